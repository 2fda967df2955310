export type LoopState = 'created' | 'running' | 'stopping' | 'stopped';

/**
 * A long-running loop with an explicit lifecycle (`created → running → stopping → stopped`),
 * stopped through its AbortSignal. Services start it from a Nest bootstrap hook and stop it
 * from a shutdown hook; `stop()` resolves once the body has returned.
 */
export class BackgroundLoop {
  private state: LoopState = 'created';
  private readonly abort = new AbortController();
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly body: (signal: AbortSignal) => Promise<void>) {}

  get currentState(): LoopState {
    return this.state;
  }

  start(): void {
    if (this.state !== 'created') throw new Error(`cannot start a loop that is ${this.state}`);
    this.state = 'running';
    this.done = this.body(this.abort.signal).finally(() => {
      this.state = 'stopped';
    });
  }

  async stop(): Promise<void> {
    if (this.state === 'created') {
      this.state = 'stopped';
      return;
    }
    if (this.state === 'running') this.state = 'stopping';
    this.abort.abort();
    await this.done;
  }
}
