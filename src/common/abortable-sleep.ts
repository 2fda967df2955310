import { setTimeout as delay } from 'node:timers/promises';

/** Waits `ms`, or less if `signal` aborts; never rejects (loops check the signal themselves). */
export async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return;
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
