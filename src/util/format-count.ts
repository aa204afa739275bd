/** 1234567 -> "1,234,567". By hand: toLocaleString's first call loads ICU data, about 15 ms of
 *  every command's start-up when the flags' help texts are built. */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}

/** 1 -> "1 character", 1234 -> "1,234 characters": a count and its noun, plural unless one. */
export function formatCountOf(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}
