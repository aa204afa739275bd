/**
 * Learning-rate schedule, as char-rnn: constant for the first `decayAfter` epochs, then
 * multiplied by `decay` at the start of every later epoch.
 */
export function learningRate(base: number, epoch: number, decay: number, decayAfter: number): number {
  // epoch is 0-based: epochs 0 .. decayAfter-1 run at the base rate, epoch decayAfter at base * decay.
  const decayedEpochs = Math.max(0, epoch - decayAfter + 1);
  return base * decay ** decayedEpochs;
}
