/**
 * A value's weight in a frozen mandate as people read it: a percentage with one decimal. Her Values
 * page, her account and the verify panel's card check (and `agora verify`) all say it this way, so a
 * citizen who checks her card finds the very number she was shown.
 */
export function weightPercent(weight: number): string {
  return (weight * 100).toFixed(1);
}
