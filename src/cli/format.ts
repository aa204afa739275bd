/** Human-readable numbers for messages. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export { formatCount, formatCountOf, plural } from '../util/format-count.js';

/** bpc = nats / ln 2; ppl = e^nats. */
export function natsSummary(nats: number): string {
  return `${nats.toFixed(4)} nats (${(nats / Math.LN2).toFixed(3)} bpc, ppl ${Math.exp(nats).toFixed(2)})`;
}
