import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, EngineCluster } from '../support/engine-cluster.js';
import type { NamedProcess } from '../support/engine-cluster.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { expectEverySecondOnce } from '../support/delivery-assertions.js';

const LEADING = /Leading the scheduler with epoch (\d+)/;

describe.each(BACKENDS)('%s backend: kill -9 the leader mid-run', (backend) => {
  let cluster: EngineCluster;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    cluster = await EngineCluster.create({ backend });
  });

  afterAll(async () => {
    await cluster?.close();
    await receiver.stop();
  });

  it('another scheduler takes over: no occurrence missed, none duplicated', async () => {
    const first = await cluster.startScheduler('scheduler-a');
    await first.waitForOutput(LEADING);
    const standby = await cluster.startScheduler('scheduler-b');
    await cluster.startWorker('worker');
    await cluster.createJob({
      name: 'every-second',
      cronExpression: '* * * * * *',
      httpUrl: receiver.url('/tick'),
    });
    await receiver.waitFor((r) => r.length >= 3, 20_000, '3 deliveries before the kill');

    const leader: NamedProcess = LEADING.test(standby.output()) ? standby : first;
    const survivor = leader === first ? standby : first;
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await leader.exited;

    await survivor.waitForOutput(LEADING, 20_000);
    const tookOverAfterMs = Date.now() - killedAt;
    const deliveredBefore = receiver.requests.length;
    await receiver.waitFor((r) => r.length >= deliveredBefore + 4, 20_000, '4 deliveries after');

    const deliveries = receiver.forPath('/tick');
    expectEverySecondOnce(deliveries);
    expect(new Set(deliveries.map((d) => d.executionId)).size).toBe(deliveries.length);
    // The new leader fenced the old one out with a newer epoch.
    const epochs = [first, standby]
      .map((p) => LEADING.exec(p.output())?.[1])
      .filter((e): e is string => e !== undefined)
      .map(Number);
    expect(new Set(epochs).size).toBe(2);
    console.log(
      `${backend}: new leader after ${tookOverAfterMs} ms; ${deliveries.length} fires, none missed`,
    );
  });

  it('a paused leader (SIGSTOP) is replaced once its lease runs out and, woken, is fenced out', async () => {
    const leader = cluster.processes.find(
      (p) => LEADING.test(p.output()) && p.child.exitCode === null && p.child.signalCode === null,
    )!;
    const standby = await cluster.startScheduler('scheduler-c');
    leader.child.kill('SIGSTOP');
    try {
      await standby.waitForOutput(LEADING, 20_000);
      const before = receiver.requests.length;
      await receiver.waitFor((r) => r.length >= before + 3, 20_000, '3 fires under the new leader');
    } finally {
      leader.child.kill('SIGCONT');
    }
    await leader.waitForOutput(/Lost scheduler leadership/, 20_000);
    const woken = receiver.requests.length;
    await receiver.waitFor((r) => r.length >= woken + 3, 20_000, '3 fires after the old one woke');

    const deliveries = receiver.forPath('/tick');
    expectEverySecondOnce(deliveries);
    expect(new Set(deliveries.map((d) => d.executionId)).size).toBe(deliveries.length);
  });
});
