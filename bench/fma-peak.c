/*
 * The arithmetic ceiling of one core for each SIMD width: twelve independent fused
 * multiply-add chains, no loads, for 128-bit (what WebAssembly SIMD gives charnn's kernels),
 * 256-bit and 512-bit vectors (what OpenBLAS's Haswell and SkylakeX kernels use for PyTorch).
 *
 *     gcc -O2 -mavx512f -mfma bench/fma-peak.c -o /tmp/fma-peak && /tmp/fma-peak
 *
 * Prints GFLOP/s (2 per lane per multiply-add). Needs a CPU with AVX-512F.
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

#define ROUNDS 100000000L

/* The empty asm keeps the compiler from folding the loop: every chain must stay in a register. */
#define PEAK(T, FMA, SET, NAME)                                                                   \
  {                                                                                               \
    T a0 = SET(1), a1 = SET(2), a2 = SET(3), a3 = SET(4), a4 = SET(5), a5 = SET(6);               \
    T a6 = SET(7), a7 = SET(8), a8 = SET(9), a9 = SET(10), a10 = SET(11), a11 = SET(12);          \
    T b = SET(0.999f), c = SET(0.001f);                                                           \
    double t = now();                                                                             \
    for (long n = 0; n < ROUNDS; n++) {                                                           \
      a0 = FMA(a0, b, c); a1 = FMA(a1, b, c); a2 = FMA(a2, b, c); a3 = FMA(a3, b, c);             \
      a4 = FMA(a4, b, c); a5 = FMA(a5, b, c); a6 = FMA(a6, b, c); a7 = FMA(a7, b, c);             \
      a8 = FMA(a8, b, c); a9 = FMA(a9, b, c); a10 = FMA(a10, b, c); a11 = FMA(a11, b, c);         \
      __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5),           \
                       "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11));             \
    }                                                                                             \
    t = now() - t;                                                                                \
    printf("%-8s %6.1f GFLOP/s\n", NAME, ROUNDS * 12.0 * (sizeof(T) / 4) * 2 / t / 1e9);          \
  }

int main(void) {
  PEAK(__m128, _mm_fmadd_ps, _mm_set1_ps, "128-bit")
  PEAK(__m256, _mm256_fmadd_ps, _mm256_set1_ps, "256-bit")
  PEAK(__m512, _mm512_fmadd_ps, _mm512_set1_ps, "512-bit")
  return 0;
}
