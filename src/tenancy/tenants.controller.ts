import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { uuidParam } from '../common/uuid-param.pipe.js';
import { PageQueryDto } from '../common/page-query.dto.js';
import { CreateTenantDto, UpdateTenantDto } from './dto/tenant-requests.dto.js';
import { TenantListResponse, TenantResponse } from './dto/tenancy-responses.dto.js';
import { RequireScope } from './require-scope.decorator.js';
import { TenantsService } from './tenants.service.js';
import { ApiAuthenticated } from './api-authenticated.decorator.js';

@ApiTags('tenants')
@ApiAuthenticated('The key lacks the `admin` scope.')
@ApiBadRequestResponse({ description: 'A field is invalid; `message` names it.' })
@RequireScope('admin')
@Controller('api/v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a tenant' })
  @ApiCreatedResponse({ type: TenantResponse })
  @ApiConflictResponse({ description: 'The name is taken.' })
  create(@Body() body: CreateTenantDto): Promise<TenantResponse> {
    return this.tenants.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List tenants' })
  @ApiOkResponse({ type: TenantListResponse })
  list(@Query() query: PageQueryDto): Promise<TenantListResponse> {
    return this.tenants.list(query.page, query.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One tenant' })
  @ApiOkResponse({ type: TenantResponse })
  @ApiNotFoundResponse()
  get(@Param('id', uuidParam('id')) id: string): Promise<TenantResponse> {
    return this.tenants.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Rename a tenant or change its quotas',
    description: 'A quota given as `null` is removed (unlimited); an absent one is kept.',
  })
  @ApiOkResponse({ type: TenantResponse })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The name is taken.' })
  update(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: UpdateTenantDto,
  ): Promise<TenantResponse> {
    return this.tenants.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a tenant without jobs; its API keys stop working',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'The default tenant, or a tenant that still has jobs.' })
  remove(@Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.tenants.remove(id);
  }
}
