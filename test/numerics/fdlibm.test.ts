// exp and log of src/numerics/fdlibm.ts: fdlibm's results to the bit, whatever engine runs them.
// Recorded values (bit patterns Node 20's Math.exp and Math.log gave, which are fdlibm's) hold
// everywhere; where this Node's Math.exp and Math.log are fdlibm's too (Node 20), millions of
// random arguments agree with them exactly.
import { describe, expect, it } from 'vitest';
import { exp, log } from '../../src/numerics/fdlibm.js';

const hex = (x: number): string => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16).padStart(16, '0');
};

const EXP: [number, string][] = [
  [-745.1, '0000000000000001'],
  [-700.5, '00c4ff475c68ca02'],
  [-87.3, '38109874c0b9cacb'],
  [-20.25, '3e1b93de1e27ca3b'],
  [-13.321079026872884, '3ebb81e1ce7a6664'],
  [-1.5, '3fcc8f87724b5c1d'],
  [-0.7, '3fdfc80db9dd5542'],
  [-0.34, '3fe6c6d28e50ebb6'],
  [-1e-9, '3fefffffff768fa1'],
  [0.1, '3ff1aec7b35a00d4'],
  [0.34, '3ff67aaa532108be'],
  [0.7, '40001c2a61268987'],
  [1, '4005bf0a8b145769'],
  [2.5, '40285d6fd931e0bb'],
  [13.321079026872884, '41229cfb0e4b1f58'],
  [40.75, '439ba96b73ce75eb'],
  [88.5, '47e99b987155fe28'],
  [300.125, '5affc0ed35ef0037'],
  [709.5, '7fe81e9b4b52d0c9'],
];
const LOG: [number, string][] = [
  [5e-324, 'c0874385446d71c3'],
  [1e-310, 'c0864e69394d9508'],
  [1e-100, 'c06cc845b54b54f2'],
  [0.001, 'c01ba18a998fffa0'],
  [0.1, 'c0026bb1bbb55515'],
  [0.5, 'bfe62e42fefa39ef'],
  [0.7071067811865476, 'bfd62e42fefa39ee'],
  [0.9999999, 'be7ad7f2b1049b9f'],
  [1.0000001, '3e7ad7f2847b6492'],
  [1.5, '3fd9f323ecbf984c'],
  [2, '3fe62e42fefa39ef'],
  [13.321079026872884, '4004b6fbe9400000'],
  [1e10, '4037069e2aa2aa5b'],
  [1e300, '4085963447f87fb5'],
];

/** Node 20's V8 computes Math.exp and Math.log with fdlibm; later engines may not (Chromium 156
 *  differs at 13.321079026872884's logarithm, for one). */
const mathIsFdlibm = hex(Math.log(13.321079026872884)) === '4004b6fbe9400000' && hex(Math.exp(-13.321079026872884)) === '3ebb81e1ce7a6664';

describe('fdlibm exp and log', () => {
  it('give the recorded bits: over the whole range, around the reduction thresholds, subnormal in and out', () => {
    for (const [x, want] of EXP) expect(hex(exp(x)), `exp(${x})`).toBe(want);
    for (const [x, want] of LOG) expect(hex(log(x)), `log(${x})`).toBe(want);
  });

  it('special values: infinities, NaN, zeros, overflow and underflow as Math.exp and Math.log', () => {
    expect([exp(Infinity), exp(-Infinity), exp(0), exp(-0), exp(710), exp(-746), exp(1e-300)]).toEqual([Infinity, 0, 1, 1, Infinity, 0, 1]);
    expect(Number.isNaN(exp(NaN))).toBe(true);
    expect([log(0), log(-0), log(1), log(Infinity)]).toEqual([-Infinity, -Infinity, 0, Infinity]);
    expect([log(-1), log(-Infinity), log(NaN)].every(Number.isNaN)).toBe(true);
  });

  it("agree with this Node's Math.exp and Math.log on 2 million random arguments, where those are fdlibm's", (ctx) => {
    if (!mathIsFdlibm)
      ctx.skip(`this engine's Math.exp and Math.log are not fdlibm's (V8 ${process.versions.v8}): only the recorded values apply`);
    let state = 20261203;
    const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
    const bad: string[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      const x = (random() - 0.5) * (i % 3 === 0 ? 1500 : i % 3 === 1 ? 60 : 2);
      if (!Object.is(exp(x), Math.exp(x))) bad.push(`exp(${x})`);
      const y = i % 3 === 0 ? random() * 100 : i % 3 === 1 ? Math.exp((random() - 0.5) * 1400) : 1 + (random() - 0.5) * 1e-5;
      if (!Object.is(log(y), Math.log(y))) bad.push(`log(${y})`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
