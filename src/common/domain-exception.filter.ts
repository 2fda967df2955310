import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from './domain.error.js';

/** The one place where errors become HTTP responses: `{ statusCode, error, message }`. */
@Catch()
export class DomainExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(DomainExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { statusCode, message } = this.toResponse(exception);
    void reply.status(statusCode).send({
      statusCode,
      error: reasonPhrase(statusCode),
      message,
    });
  }

  private toResponse(exception: unknown): { statusCode: number; message: string } {
    if (exception instanceof DomainError) {
      return { statusCode: statusForCode(exception.code), message: exception.message };
    }
    if (exception instanceof HttpException) {
      return { statusCode: exception.getStatus(), message: httpExceptionMessage(exception) };
    }
    const status = statusOfFrameworkError(exception);
    if (status !== undefined) {
      return { statusCode: status, message: (exception as Error).message };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : exception,
    );
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}

function statusForCode(code: string): number {
  switch (code) {
    case 'NOT_FOUND':
      return HttpStatus.NOT_FOUND;
    case 'UNAUTHORIZED':
      return HttpStatus.UNAUTHORIZED;
    case 'MISSING_SCOPE':
    case 'QUOTA_EXCEEDED':
      return HttpStatus.FORBIDDEN;
    case 'CONFLICT':
      return HttpStatus.CONFLICT;
    case 'PRECONDITION_FAILED':
      return HttpStatus.PRECONDITION_FAILED;
    case 'RATE_LIMITED':
      return HttpStatus.TOO_MANY_REQUESTS;
    case 'IDEMPOTENCY_KEY_REUSED':
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case 'INVALID_REQUEST':
    case 'INVALID_CRON_EXPRESSION':
    case 'UNKNOWN_TIME_ZONE':
      return HttpStatus.BAD_REQUEST;
    default:
      return HttpStatus.INTERNAL_SERVER_ERROR;
  }
}

function httpExceptionMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}

/** Fastify's own errors (body too large, malformed JSON, wrong content type) carry a 4xx. */
function statusOfFrameworkError(exception: unknown): number | undefined {
  if (!(exception instanceof Error)) return undefined;
  const statusCode = (exception as { statusCode?: unknown }).statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500
    ? statusCode
    : undefined;
}

function reasonPhrase(statusCode: number): string {
  const phrases: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    405: 'Method Not Allowed',
    409: 'Conflict',
    413: 'Payload Too Large',
    412: 'Precondition Failed',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return phrases[statusCode] ?? 'Error';
}
