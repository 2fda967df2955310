import { describe, expect, it } from '@jest/globals';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { Clock } from '../common/clock.js';
import { EncryptionKey } from '../config/encryption-key.js';
import { JobSecretsCipher } from '../secrets/job-secrets.cipher.js';
import { SecretCipher } from '../secrets/secret-cipher.js';
import { SecretDecryptionError } from '../secrets/secret-decryption.error.js';
import type { ClaimedExecution } from './execution.repository.js';
import { WebhookRequestFactory } from './webhook-request.factory.js';
import { WebhookSigner } from './webhook-signer.js';
import { WorkerIdentity } from './worker-identity.js';

const JOB_ID = '5f0c6a52-8f0e-4a39-9a57-1b9d3c6f2e10';
const EXECUTION_ID = '0b7e3c1d-2f4a-4e8b-a6c9-7d5e1f3a9b20';
const CURRENT = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw1uU6+SnW8w0=';
const PREVIOUS = 'whsec_pcxpUGPLRc2hKUHQIMM85dGmO1dx13tDHsJSxYU0DsA=';

class FixedClock extends Clock {
  constructor(public at: Date) {
    super();
  }
  now(): Date {
    return this.at;
  }
}

const cipher = new JobSecretsCipher(
  new SecretCipher({ current: EncryptionKey.fromBytes(Buffer.alloc(32, 9)) }),
);

function execution(overrides: Partial<ClaimedExecution> = {}): ClaimedExecution {
  return {
    id: EXECUTION_ID,
    jobId: JOB_ID,
    tenantId: '00000000-0000-4000-8000-000000000001',
    tenantLimits: { maxConcurrentExecutions: null, maxExecutionsPerSecond: null },
    scheduledAt: new Date(Date.UTC(2026, 0, 1)),
    previousStatus: 'QUEUED',
    attempt: 1,
    attemptBase: 0,
    executionType: 'AT_LEAST_ONCE',
    httpMethod: 'POST',
    httpUrl: 'https://[REDACTED]@hooks.example.com/run?key=[REDACTED]',
    httpHeaders: { Authorization: '[REDACTED]' },
    httpTargetSealed: cipher.sealTarget(JOB_ID, {
      url: 'https://bot:pw@hooks.example.com/run?key=k1',
      headers: { Authorization: 'Bearer real' },
    }),
    signingSecretsSealed: [cipher.sealSigningSecret(JOB_ID, CURRENT)],
    httpBody: { report: 'daily' },
    timeoutSeconds: 30,
    retryPolicy: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 60_000 },
    ...overrides,
  };
}

describe('WebhookRequestFactory', () => {
  const clock = new FixedClock(new Date());
  const factory = new WebhookRequestFactory(
    cipher,
    new WebhookSigner(),
    new WorkerIdentity(),
    clock,
  );

  function verify(secret: string, request: ReturnType<typeof factory.build>): unknown {
    return new Webhook(secret).verify(request.body ?? '', request.headers);
  }

  it('sends the real URL and headers, never the redacted copies', () => {
    const request = factory.build(execution(), 1);
    expect(request.url).toBe('https://hooks.example.com/run?key=k1');
    expect(request.headers['Authorization']).toBe('Bearer real');
    expect(JSON.stringify(request)).not.toContain('[REDACTED]');
  });

  it('signs the exact body sent, with webhook-id the execution id and the send time', () => {
    const request = factory.build(execution(), 1);
    expect(request.headers['webhook-id']).toBe(EXECUTION_ID);
    expect(request.headers['webhook-timestamp']).toBe(
      String(Math.floor(clock.at.getTime() / 1000)),
    );
    expect(verify(CURRENT, request)).toEqual({ report: 'daily' });
  });

  it('signs an empty body as the empty string', () => {
    const request = factory.build(execution({ httpMethod: 'GET', httpBody: null }), 1);
    expect(request.body).toBeUndefined();
    expect(new Webhook(CURRENT).verify('', request.headers)).toBeUndefined();
  });

  it('signs every attempt afresh: same webhook-id, the timestamp of that attempt', () => {
    const first = factory.build(execution(), 1);
    clock.at = new Date(clock.at.getTime() + 7_000);
    const second = factory.build(execution(), 2);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(Number(second.headers['webhook-timestamp'])).toBe(
      Number(first.headers['webhook-timestamp']) + 7,
    );
    expect(second.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
    expect(verify(CURRENT, second)).toEqual({ report: 'daily' });
  });

  it('signs with both secrets during a rotation grace, the new one first', () => {
    const request = factory.build(
      execution({
        signingSecretsSealed: [
          cipher.sealSigningSecret(JOB_ID, CURRENT),
          cipher.sealSigningSecret(JOB_ID, PREVIOUS),
        ],
      }),
      1,
    );
    const signatures = request.headers['webhook-signature']!.split(' ');
    expect(signatures).toHaveLength(2);
    const onlyCurrent = factory.build(execution(), 1).headers['webhook-signature'];
    expect(signatures[0]).toBe(onlyCurrent);
    expect(verify(CURRENT, request)).toEqual({ report: 'daily' });
    expect(verify(PREVIOUS, request)).toEqual({ report: 'daily' });
    expect(() => verify('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', request)).toThrow(
      WebhookVerificationError,
    );
  });

  it('sends a row from before encryption at rest from its clear columns, unsigned', () => {
    const request = factory.build(
      execution({
        httpUrl: 'https://hooks.example.com/legacy?key=plain',
        httpHeaders: { 'X-Key': 'plain' },
        httpTargetSealed: null,
        signingSecretsSealed: [],
      }),
      1,
    );
    expect(request.url).toBe('https://hooks.example.com/legacy?key=plain');
    expect(request.headers['X-Key']).toBe('plain');
    expect(request.headers['webhook-signature']).toBeUndefined();
  });

  it("refuses secrets sealed for another job (they do not open in this one's context)", () => {
    const other = '11111111-8f0e-4a39-9a57-1b9d3c6f2e10';
    expect(() =>
      factory.build(
        execution({
          httpTargetSealed: cipher.sealTarget(other, { url: 'https://x/', headers: {} }),
        }),
        1,
      ),
    ).toThrow(SecretDecryptionError);
    expect(() =>
      factory.build(
        execution({ signingSecretsSealed: [cipher.sealSigningSecret(other, CURRENT)] }),
        1,
      ),
    ).toThrow(SecretDecryptionError);
  });
});
