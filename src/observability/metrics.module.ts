import { DynamicModule, Global, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { createMetricsRegistry } from './metrics.registry.js';

@Global()
@Module({})
export class MetricsModule {
  static forRole(role: 'api' | 'worker'): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: Registry, useFactory: () => createMetricsRegistry(role) }],
      exports: [Registry],
    };
  }
}
