import { Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, MigrationList } from './data-source-options.js';
import { ENTITIES } from './entities.js';
import { runMigrationsExclusively } from './migration-runner.js';

/** Where the data source finds migrations; tests point it at the TypeScript sources. */
export const MIGRATIONS = Symbol('MIGRATIONS');

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig, { token: MIGRATIONS, optional: true }],
      useFactory: (config: AppConfig, migrations?: MigrationList) =>
        dataSourceOptions(config.database, migrations),
    }),
    TypeOrmModule.forFeature([...ENTITIES]),
  ],
  exports: [TypeOrmModule],
})
export class DatabaseModule implements OnModuleInit {
  private readonly logger = new Logger(DatabaseModule.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.database.migrateOnBoot) return;
    const applied = await runMigrationsExclusively(this.dataSource);
    if (applied.length > 0) {
      this.logger.log(`Applied migrations: ${applied.map((m) => m.name).join(', ')}`);
    }
  }
}
