import { Logger, Module } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { DatabaseModule } from '../database/database.module.js';
import { withMigrationLock } from '../database/migration-runner.js';
import { JobSecretsCipher } from './job-secrets.cipher.js';
import { JobSecretsRepository } from './job-secrets.repository.js';
import { PlaintextJobEncryptionService } from './plaintext-job-encryption.service.js';
import { createSecretCipher } from './secret-cipher.factory.js';
import { SecretCipher } from './secret-cipher.js';
import { SigningSecretGenerator } from './signing-secret.generator.js';

/**
 * Encryption at rest of job secrets. At start-up, after `DatabaseModule` has applied the
 * migrations (Nest initialises imported modules first), it encrypts the rows still in plain
 * text under the same advisory lock, so that no process sends or serves a job before its
 * secrets are sealed.
 */
@Module({
  imports: [DatabaseModule],
  providers: [
    { provide: SecretCipher, inject: [AppConfig], useFactory: createSecretCipher },
    JobSecretsCipher,
    SigningSecretGenerator,
    JobSecretsRepository,
    PlaintextJobEncryptionService,
  ],
  exports: [SecretCipher, JobSecretsCipher, SigningSecretGenerator],
})
export class SecretsModule implements OnModuleInit {
  private readonly logger = new Logger(SecretsModule.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly plaintext: PlaintextJobEncryptionService,
  ) {}

  async onModuleInit(): Promise<void> {
    const { encrypted, skipped } = await withMigrationLock(this.dataSource, () =>
      this.plaintext.encryptRemaining(),
    );
    if (encrypted > 0) this.logger.log(`Encrypted the secrets of ${encrypted} job(s) at rest`);
    if (skipped > 0) {
      this.logger.warn(
        `${skipped} job(s) changed while their secrets were being encrypted; the next start encrypts them`,
      );
    }
  }
}
