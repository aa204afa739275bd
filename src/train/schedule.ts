/**
 * Learning-rate schedule, as char-rnn: constant for the first `decayAfter` epochs, then
 * multiplied by `decay` at the start of every later epoch.
 */
export function learningRate(base: number, epoch: number, decay: number, decayAfter: number): number {
  const decayedEpochs = Math.max(0, epoch - decayAfter);
  return base * decay ** decayedEpochs;
}
