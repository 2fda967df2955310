import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { JobSecretsCipher } from './job-secrets.cipher.js';
import { JobSecretsRepository } from './job-secrets.repository.js';
import { PlaintextJobEncryptionService } from './plaintext-job-encryption.service.js';
import { createSecretCipher } from './secret-cipher.factory.js';
import { SecretsRotationService } from './secrets-rotation.service.js';
import { SigningSecretGenerator } from './signing-secret.generator.js';

/*
 * The secrets services wired by hand, for the command-line entry points (`migrate.ts`,
 * `rotate-secrets.ts`) and the benchmark, which run without a Nest application.
 */

export function createPlaintextJobEncryption(
  config: AppConfig,
  dataSource: DataSource,
): PlaintextJobEncryptionService {
  return new PlaintextJobEncryptionService(
    new JobSecretsRepository(dataSource),
    new JobSecretsCipher(createSecretCipher(config)),
    new SigningSecretGenerator(),
  );
}

export function createSecretsRotation(
  config: AppConfig,
  dataSource: DataSource,
): SecretsRotationService {
  return new SecretsRotationService(
    new JobSecretsRepository(dataSource),
    new JobSecretsCipher(createSecretCipher(config)),
  );
}
