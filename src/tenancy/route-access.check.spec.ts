import { describe, expect, it } from '@jest/globals';
import { Controller, Get } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { PublicRoute, RequireScope } from './require-scope.decorator.js';
import { RouteAccessCheck } from './route-access.check.js';

@Controller('declared')
class DeclaredController {
  @Get('a')
  @RequireScope('jobs:read')
  a(): string {
    return 'a';
  }

  @Get('b')
  @PublicRoute()
  b(): string {
    return 'b';
  }
}

@RequireScope('jobs:read')
@Controller('class-level')
class ClassLevelController {
  @Get()
  c(): string {
    return 'c';
  }
}

@Controller('forgotten')
class ForgottenController {
  @Get()
  list(): string {
    return 'oops';
  }
}

async function boot(controllers: Array<new () => object>): Promise<void> {
  const module = await Test.createTestingModule({
    imports: [DiscoveryModule],
    controllers,
    providers: [RouteAccessCheck],
  }).compile();
  try {
    await module.init();
  } finally {
    await module.close();
  }
}

describe('RouteAccessCheck', () => {
  it('boots when every route says who may call it', async () => {
    await expect(boot([DeclaredController, ClassLevelController])).resolves.toBeUndefined();
  });

  it('refuses to boot with a route that declares neither a scope nor public access', async () => {
    await expect(boot([DeclaredController, ForgottenController])).rejects.toThrow(
      /ForgottenController\.list/,
    );
  });
});
