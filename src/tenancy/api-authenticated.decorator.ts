import { applyDecorators } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';

/**
 * What every authenticated controller documents: the bearer scheme and the three answers
 * `ApiKeyGuard` can give before a handler runs. `forbidden` says which scope (or quota) the
 * routes need.
 */
export function ApiAuthenticated(forbidden: string): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, unknown, expired or revoked API key.' }),
    ApiForbiddenResponse({ description: forbidden }),
    ApiTooManyRequestsResponse({ description: "The key's rate limit; see `Retry-After`." }),
  );
}
