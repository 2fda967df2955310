import { describe, expect, it } from '@jest/globals';
import { OpenBreakerView } from './open-breaker-view.js';

describe('OpenBreakerView (the open-destinations gauge)', () => {
  it('counts destinations last seen open or half-open, and forgets them once seen closed', () => {
    let now = 0;
    const view = new OpenBreakerView(60_000, () => now);
    view.observe('https://a', 'open');
    view.observe('https://b', 'half_open');
    view.observe('https://c', 'closed');
    expect(view.count()).toBe(2);

    now = 1_000;
    view.observe('https://a', 'closed');
    expect(view.count()).toBe(1);
  });

  it('drops a destination not seen again within the staleness window', () => {
    let now = 0;
    const view = new OpenBreakerView(60_000, () => now);
    view.observe('https://a', 'open');
    view.observe('https://b', 'open');
    now = 50_000;
    view.observe('https://b', 'open');
    now = 60_001;
    expect(view.count()).toBe(1);
    now = 110_001;
    expect(view.count()).toBe(0);
  });

  it('sweeps stale entries as it observes, even if the gauge is never read', () => {
    let now = 0;
    const view = new OpenBreakerView(60_000, () => now);
    for (let i = 0; i < 100; i++) view.observe(`https://d${i}`, 'open');
    now = 120_000;
    view.observe('https://fresh', 'open');
    expect(view.size).toBe(1);
  });
});
