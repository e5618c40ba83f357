/** Human-readable durations and instants for reports: pure, no clock (callers pass "now"). */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Formats milliseconds for people: `850 ms`, `12.3 s`, `2 min 5 s`, `3 h 10 min`, `2 days 4 h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 s';
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100) / 10;
  if (tenths < 60) return `${Number.isInteger(tenths) ? tenths : tenths.toFixed(1)} s`;
  const seconds = Math.round(ms / SECOND);
  if (seconds < 3600) return pair(Math.floor(seconds / 60), 'min', seconds % 60, 's');
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 24 * 60) return pair(Math.floor(minutes / 60), 'h', minutes % 60, 'min');
  const hours = Math.round(ms / HOUR);
  const days = Math.floor(hours / 24);
  return pair(days, days === 1 ? 'day' : 'days', hours % 24, 'h');
}

function pair(big: number, bigUnit: string, small: number, smallUnit: string): string {
  return small === 0 ? `${big} ${bigUnit}` : `${big} ${bigUnit} ${small} ${smallUnit}`;
}

/** Milliseconds from one ISO-8601 instant to another, or undefined if either does not parse. */
export function between(fromIso: string | undefined, toIso: string | undefined): number | undefined {
  if (fromIso === undefined || toIso === undefined) return undefined;
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  return Number.isNaN(from) || Number.isNaN(to) ? undefined : to - from;
}

/** Formats an ISO-8601 instant as `2025-01-02 03:04 UTC`, or undefined if it does not parse. */
export function formatInstant(iso: string): string | undefined {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return undefined;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Describes an instant relative to "now": `in 3 days`, `2 h ago`. */
export function formatRelative(iso: string, nowIso: string): string | undefined {
  const ms = between(nowIso, iso);
  if (ms === undefined) return undefined;
  return ms >= 0 ? `in ${formatDuration(ms)}` : `${formatDuration(-ms)} ago`;
}
