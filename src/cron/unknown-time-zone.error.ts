import { DomainError } from '../common/domain.error.js';

/** A time zone that is not an IANA name known to this runtime's `Intl` (ICU) data. */
export class UnknownTimeZoneError extends DomainError {
  readonly code = 'UNKNOWN_TIME_ZONE';

  constructor(
    readonly timeZone: string,
    field = 'timezone',
  ) {
    super(
      `${field}: unknown time zone ${JSON.stringify(timeZone)}; expected an IANA name such as "UTC", "Europe/London" or "America/New_York"`,
      field,
    );
  }
}
