import { describe, expect, it } from 'vitest';
import { niceDomain, niceStep, niceTicks } from '../../src/plot/ticks.js';

describe('ticks', () => {
  it('steps are 1, 2 or 5 times a power of ten', () => {
    expect([niceStep(10, 5), niceStep(3, 6), niceStep(0.7, 5), niceStep(917, 8), niceStep(1e-3, 4)]).toEqual([2, 0.5, 0.1, 100, 0.0002]);
  });

  it('a domain starts and ends on a step and covers the range; a zero-width one gets a width', () => {
    expect(niceDomain(1.27, 4.36, 6)).toEqual([1, 4.5]);
    expect(niceDomain(0, 917, 8)).toEqual([0, 1000]);
    const [lo, hi] = niceDomain(2, 2);
    expect(lo).toBeLessThan(2);
    expect(hi).toBeGreaterThan(2);
  });

  it('ticks are round values within the domain, printed with the decimals they need', () => {
    expect(niceTicks(1, 4.5, 6)).toEqual({ values: [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5], step: 0.5, decimals: 1 });
    expect(niceTicks(0, 1000, 8).values).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(niceTicks(1.44, 6.49, 6).values).toEqual([2, 3, 4, 5, 6]);
  });
});
