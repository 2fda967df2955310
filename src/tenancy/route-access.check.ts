import { Injectable } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ROUTE_ACCESS } from './require-scope.decorator.js';

/**
 * Refuses to boot if any route handler declares neither `@RequireScope` nor `@PublicRoute`
 * (nor `@MetricsRoute`): a new endpoint cannot be exposed without authentication by
 * forgetting a decorator.
 */
@Injectable()
export class RouteAccessCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const undeclared = findUndeclaredRoutes(this.discovery, this.scanner, this.reflector);
    if (undeclared.length > 0) {
      throw new Error(
        `Routes without @RequireScope or @PublicRoute: ${undeclared.join(', ')}. Every route must say who may call it.`,
      );
    }
  }
}

export function findUndeclaredRoutes(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): string[] {
  const undeclared: string[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
    if (controller === null) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name];
      if (typeof handler !== 'function') continue;
      if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const access: unknown = reflector.getAllAndOverride(ROUTE_ACCESS, [handler, controller]);
      if (access === undefined) undeclared.push(`${controller.name}.${name}`);
    }
  }
  return undeclared;
}
