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
});
