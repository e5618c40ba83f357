/** Median and range of a set of measurements. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The median, min and max of some numbers (NaN for none). */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n, median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mid = Math.floor(n / 2);
  const median =
    n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { n, median, min: sorted[0] as number, max: sorted[n - 1] as number };
}

/** Milliseconds as seconds with two decimals (`12.34 s`), or ms below a second. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return Math.abs(ms) >= 1_000 ? `${(ms / 1_000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** `median (min–max)` with a formatter. */
export function formatSummary(summary: Summary, format: (value: number) => string = formatMs): string {
  if (summary.n === 0) return 'n/a';
  if (summary.n === 1) return format(summary.median);
  return `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
}

/** A ratio with two decimals and a ×. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

/** A plain number with at most two decimals. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** Bytes as MB (10^6) with one decimal. */
export function formatMb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}
