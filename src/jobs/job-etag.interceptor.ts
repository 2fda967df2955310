import { Injectable } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map } from 'rxjs';
import type { Observable } from 'rxjs';

/**
 * Sends a job's `version` as its `ETag` (`"3"`) on every response that is one job, so a
 * client can PATCH with `If-Match` without reading the body.
 */
@Injectable()
export class JobEtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (isVersioned(body)) void reply.header('ETag', `"${body.version}"`);
        return body;
      }),
    );
  }
}

function isVersioned(body: unknown): body is { version: number } {
  return (
    typeof body === 'object' &&
    body !== null &&
    'version' in body &&
    typeof body.version === 'number' &&
    'cronExpression' in body
  );
}
