import { DomainError } from '../common/domain.error.js';
import type { AddressClass } from './address-classification.js';

/**
 * A webhook destination the SSRF guard refuses. Its message is log-safe: it names a host
 * name and an IP address, never a path, query or credential. The worker records it as the
 * attempt's error; the API turns it into a 400 naming `httpUrl`.
 */
export class DestinationNotAllowedError extends DomainError {
  readonly code = 'DESTINATION_NOT_ALLOWED';

  constructor(
    /** What was refused and why, without the "destination not allowed" prefix. */
    readonly reason: string,
    /** The IP address refused (for a name like `localhost`, the name). */
    readonly address: string,
    readonly addressClass: AddressClass,
  ) {
    super(`destination not allowed: ${reason}`);
  }
}
