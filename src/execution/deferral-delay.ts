/**
 * Delay of an attempt that was deferred without being sent: `baseMs`, plus full jitter
 * over `spreadMs`. Without the jitter, every execution deferred for one destination would
 * come due at the same instant and meet the same obstacle together again; spread out, they
 * also reach a destination that has just recovered as a ramp rather than as one burst.
 */
export function deferralDelayMs(baseMs: number, spreadMs: number, random: () => number): number {
  const jitter = Math.min(Math.max(random(), 0), 1) * Math.max(spreadMs, 0);
  return Math.max(0, Math.round(Math.max(baseMs, 0) + jitter));
}
