import { Logger, Module } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DestinationPolicy } from './destination-policy.js';

/**
 * The SSRF guard's policy from configuration, for the API (early URL check) and the worker
 * (connect-time check). Each process that loads it says at start when the guard is relaxed:
 * an opt-out left on in production must be visible in the first lines of every log.
 */
@Module({
  providers: [
    {
      provide: DestinationPolicy,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new DestinationPolicy(config.destinations),
    },
  ],
  exports: [DestinationPolicy],
})
export class DestinationPolicyModule implements OnModuleInit {
  private readonly logger = new Logger('DestinationPolicy');

  constructor(private readonly policy: DestinationPolicy) {}

  onModuleInit(): void {
    const { allowPrivateNetworks, allowedCidrs } = this.policy.options;
    if (allowPrivateNetworks) {
      this.logger.warn(
        'WEBHOOK_ALLOW_PRIVATE_NETWORKS=true: webhooks may reach loopback, private (RFC 1918), ' +
          'carrier-grade NAT and unique local addresses. For development and tests only: ' +
          'anyone who can create a job can reach this network (docs/security.md).',
      );
    }
    if (allowedCidrs.length > 0) {
      this.logger.log(`WEBHOOK_ALLOWED_CIDRS: webhooks may also reach ${allowedCidrs.join(', ')}`);
    }
  }
}
