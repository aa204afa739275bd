/** 1234567 -> "1,234,567". By hand: toLocaleString's first call loads ICU data, about 15 ms of
 *  every command's start-up when the flags' help texts are built. */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** The noun for a count of n: plural unless n is one ("1 step", "4769 steps"). */
export function plural(noun: string, n: number): string {
  return n === 1 ? noun : `${noun}s`;
}

/** 1 -> "1 character", 1234 -> "1,234 characters": a count and its noun, plural unless one. */
export function formatCountOf(n: number, noun: string): string {
  return `${formatCount(n)} ${plural(noun, n)}`;
}
