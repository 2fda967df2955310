import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { uuidParam } from '../common/uuid-param.pipe.js';
import { ApiKeysService } from './api-keys.service.js';
import { CreateApiKeyDto } from './dto/api-key-requests.dto.js';
import { ApiKeyListResponse, CreatedApiKeyResponse } from './dto/tenancy-responses.dto.js';
import type { Principal } from './principal.js';
import { CurrentPrincipal, RequireScope } from './require-scope.decorator.js';
import { ApiAuthenticated } from './api-authenticated.decorator.js';

@ApiTags('api-keys')
@ApiAuthenticated('The key lacks `keys:manage`, or a scope it would grant.')
@ApiBadRequestResponse({ description: 'A field is invalid; `message` names it.' })
@ApiNotFoundResponse({ description: "No such tenant, or not the caller's (without `admin`)." })
@RequireScope('keys:manage')
@Controller('api/v1/tenants/:tenantId/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key; the key is in this response only',
    description:
      'With `keys:manage` a key can grant only scopes it holds itself, and never `admin`.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyResponse })
  create(
    @CurrentPrincipal() caller: Principal,
    @Param('tenantId', uuidParam('tenantId')) tenantId: string,
    @Body() body: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponse> {
    return this.keys.create(caller, tenantId, body);
  }

  @Get()
  @ApiOperation({ summary: "A tenant's API keys (prefixes, never the keys)" })
  @ApiOkResponse({ type: ApiKeyListResponse })
  list(
    @CurrentPrincipal() caller: Principal,
    @Param('tenantId', uuidParam('tenantId')) tenantId: string,
  ): Promise<ApiKeyListResponse> {
    return this.keys.list(caller, tenantId);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: it stops working at once' })
  @ApiNoContentResponse()
  revoke(
    @CurrentPrincipal() caller: Principal,
    @Param('tenantId', uuidParam('tenantId')) tenantId: string,
    @Param('keyId', uuidParam('keyId')) keyId: string,
  ): Promise<void> {
    return this.keys.revoke(caller, tenantId, keyId);
  }
}
