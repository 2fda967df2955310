import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { uuidParam } from '../common/uuid-param.pipe.js';
import type { Principal } from '../tenancy/principal.js';
import { CurrentPrincipal, RequireScope } from '../tenancy/require-scope.decorator.js';
import { SigningSecretResponse } from './dto/job-responses.dto.js';
import {
  DEFAULT_SIGNING_SECRET_GRACE_SECONDS,
  RotateSigningSecretDto,
} from './dto/rotate-signing-secret.dto.js';
import { JobSecretsService } from './job-secrets.service.js';
import { ApiAuthenticated } from '../tenancy/api-authenticated.decorator.js';

@ApiTags('jobs')
@ApiAuthenticated('The key lacks `jobs:write`.')
@ApiBadRequestResponse({ description: 'A field or the id is invalid; `message` names it.' })
@Controller('api/v1/jobs')
export class SigningSecretController {
  constructor(private readonly secrets: JobSecretsService) {}

  @Post(':id/signing-secret/rotate')
  @RequireScope('jobs:write')
  @HttpCode(200)
  @ApiOperation({
    summary: "Replace the job's signing secret",
    description:
      "Returns the new `signingSecret`, once. During `graceSeconds` (default 86400) requests carry two signatures, the new secret's first, so receivers can switch without missing a request.",
  })
  @ApiBody({ type: RotateSigningSecretDto, required: false })
  @ApiOkResponse({
    type: SigningSecretResponse,
    description: 'The new secret: the only time it is shown.',
  })
  @ApiNotFoundResponse()
  rotate(
    @CurrentPrincipal() caller: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: RotateSigningSecretDto,
  ): Promise<SigningSecretResponse> {
    return this.secrets.rotateSigningSecret(
      caller,
      id,
      body.graceSeconds ?? DEFAULT_SIGNING_SECRET_GRACE_SECONDS,
    );
  }
}
