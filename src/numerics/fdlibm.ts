/**
 * exp and log that give the same bits in every JavaScript engine: fdlibm's algorithms (Sun
 * Microsystems, 1993: argument reduction by ln 2, then a minimax polynomial; constants are
 * fdlibm's), written here in TypeScript over plain double arithmetic, which IEEE 754 makes
 * exact to the bit everywhere.
 *
 * Why not Math.exp and Math.log: the language leaves their last bit to the engine, and engines
 * differ. Node 20's V8 computes them with fdlibm, so these return exactly what Math.exp and
 * Math.log return there (tested on millions of arguments), and charnn's scores and samples keep
 * their bits; Chromium 156's V8 differs in the last bit for a few arguments in a million
 * (measured), enough to change a sentence's score in a browser. Every computation that promises
 * the same bits in Node and in a page (scores, evaluations, sampling) uses these.
 */

// The two 32-bit halves of a double (little-endian: word 1 is the high word, sign and exponent).
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const signedWords = new Int32Array(bits.buffer);

const LN2_HI = 6.9314718036912381649e-1; // ln 2's leading bits (its product with an integer is exact)
const LN2_LO = 1.90821492927058770002e-10; // ln 2 - LN2_HI
const INV_LN2 = 1.442695040888963387;
const EXP_OVERFLOW = 7.09782712893383973096e2; // above this exp(x) is past the largest double
const EXP_UNDERFLOW = -7.4513321910194110842e2; // below this exp(x) rounds to 0
const TWO_M1000 = 9.3326361850321887899e-302; // 2^-1000
const TWO_1023 = 8.988465674311579539e307; // 2^1023
const TWO_54 = 1.8014398509481984e16;
// exp's polynomial: R(r^2) ~ r (e^r + 1) / (e^r - 1) on |r| <= ln2 / 2.
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.6533902205465251539e-6;
const P5 = 4.13813679705723846039e-8;
// log's polynomial in s = f / (2 + f): log(1 + f) = 2s + s R(s^2).
const LG1 = 6.66666666666673513e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** e^x, as fdlibm computes it: x = k ln2 + r with |r| <= ln2 / 2, then 2^k e^r. */
export function exp(x: number): number {
  bits[0] = x;
  const sign = words[1] >>> 31;
  const high = words[1] & 0x7fffffff; // high word of |x|
  if (high >= 0x40862e42) {
    // |x| >= 709.78: not finite, or past the range
    if (high >= 0x7ff00000) return (high & 0xfffff) !== 0 || words[0] !== 0 ? x + x : sign === 0 ? x : 0;
    if (x > EXP_OVERFLOW) return Infinity;
    if (x < EXP_UNDERFLOW) return 0;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (high > 0x3fd62e42) {
    // |x| > ln2 / 2: reduce
    if (high < 0x3ff0a2b2) {
      // |x| < 1.5 ln2: k = +-1. exp(1) is e itself (the reduction would miss its last bit).
      if (x === 1) return Math.E;
      hi = sign === 0 ? x - LN2_HI : x + LN2_HI;
      lo = sign === 0 ? LN2_LO : -LN2_LO;
      k = 1 - sign - sign;
    } else {
      k = Math.trunc(INV_LN2 * x + (sign === 0 ? 0.5 : -0.5));
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (high < 0x3e300000) {
    // |x| < 2^-28: e^x = 1 + x to the last bit
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - (lo - (x * c) / (2 - c) - hi);
  // Times 2^k (exact; in two steps where 2^k is past the doubles' exponent range).
  if (k === 1024) return y * 2 * TWO_1023;
  if (k >= -1021) return y * powerOfTwo(k);
  return y * powerOfTwo(k + 1000) * TWO_M1000;
}

/** 2^k for -1022 <= k <= 1023. */
function powerOfTwo(k: number): number {
  words[0] = 0;
  words[1] = (0x3ff + k) << 20;
  return bits[0];
}

/** The natural logarithm, as fdlibm computes it: x = 2^k (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2),
 *  then k ln2 + log(1 + f). */
export function log(x: number): number {
  bits[0] = x;
  let high = signedWords[1];
  let k = 0;
  if (high < 0x00100000) {
    // x < 2^-1022: zero, negative or subnormal
    if (((high & 0x7fffffff) | words[0]) === 0) return -Infinity;
    if (high < 0) return NaN;
    k -= 54;
    bits[0] = x * TWO_54;
    high = signedWords[1];
  }
  if (high >= 0x7ff00000) return bits[0] + bits[0];
  k += (high >> 20) - 1023;
  high &= 0x000fffff;
  // Normalise the mantissa into [sqrt(2)/2, sqrt(2)): keep the exponent of 1 or of 1/2.
  const half = (high + 0x95f64) & 0x100000;
  signedWords[1] = high | (half ^ 0x3ff00000);
  k += half >> 20;
  const f = bits[0] - 1;
  if ((0x000fffff & (2 + high)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
    const r = f * f * (0.5 - 0.3333333333333333 * f);
    return k === 0 ? f - r : k * LN2_HI - (r - k * LN2_LO - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((high - 0x6147a) | (0x6b851 - high)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - r) : k * LN2_HI - (s * (f - r) - k * LN2_LO - f);
}
