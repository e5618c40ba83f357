import { describe, expect, it } from 'vitest';
import { between, formatDuration, formatInstant, formatRelative } from '../../src/domain/duration.js';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1_000, '1 s'],
    [12_345, '12.3 s'],
    [59_960, '1 min'],
    [125_000, '2 min 5 s'],
    [3_599_600, '1 h'],
    [3_900_000, '1 h 5 min'],
    [86_399_000, '1 day'],
    [90_000_000, '1 day 1 h'],
    [3 * 86_400_000, '3 days'],
    [-5, '0 s'],
    [Number.NaN, '0 s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('instants', () => {
  it('formats an ISO instant in UTC to the minute', () => {
    expect(formatInstant('2025-03-01T09:05:59.999+02:00')).toBe('2025-03-01 07:05 UTC');
    expect(formatInstant('yesterday')).toBeUndefined();
  });

  it('measures and describes time relative to a given now', () => {
    expect(between('2025-03-01T00:00:00Z', '2025-03-01T00:02:05Z')).toBe(125_000);
    expect(between(undefined, '2025-03-01T00:00:00Z')).toBeUndefined();
    expect(formatRelative('2025-03-04T00:00:00Z', '2025-03-01T00:00:00Z')).toBe('in 3 days');
    expect(formatRelative('2025-03-01T00:00:00Z', '2025-03-01T02:00:00Z')).toBe('2 h ago');
    expect(formatRelative('2025-03-01T00:00:00Z', '2025-03-01T00:00:00Z')).toBe('in 0 ms');
  });
});
