import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Provider } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig } from './app-config.js';

/**
 * Makes the already-validated configuration injectable as `AppConfig`. Validation happens
 * before Nest starts (`loadAppConfig`), so a bad variable stops the process with one message.
 */
@Global()
@Module({})
export class AppConfigModule {
  /** `extra`: process-wide providers such as the migrations list tests substitute. */
  static forRoot(config: AppConfig, extra: Provider[] = []): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ app: config })] })],
      providers: [
        {
          provide: AppConfig,
          useFactory: (configService: ConfigService) => configService.getOrThrow<AppConfig>('app'),
          inject: [ConfigService],
        },
        ...extra,
      ],
      exports: [
        AppConfig,
        ...extra.map((provider) => ('provide' in provider ? provider.provide : provider)),
      ],
    };
  }
}
