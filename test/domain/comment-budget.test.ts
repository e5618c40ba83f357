import { describe, expect, it } from 'vitest';
import { fitToBudget, type Limits, type Section } from '../../src/domain/comment-budget.js';

const none: Limits = { failures: 0, outputs: 0, stacks: 0, notes: 0, environments: 0, text: 60 };

describe('fitToBudget', () => {
  it('returns the body untouched when it fits', () => {
    const body = fitToBudget(() => [{ kind: 'fixed', text: 'head' }], none, 100, 'cut');
    expect(body).toBe('head');
  });

  it('cuts the longest lists to a common length before anything else', () => {
    const list = (kind: 'failures' | 'outputs', n: number, width: number): Section => ({
      kind,
      text: Array.from({ length: n }, (_, i) => `${kind} ${i} ${'x'.repeat(width)}`).join('\n'),
    });
    const seen: Limits[] = [];
    const render = (limits: Limits): Section[] => {
      seen.push(limits);
      return [
        { kind: 'fixed', text: 'head' },
        list('failures', limits.failures, 90),
        list('outputs', limits.outputs, 10),
      ];
    };
    const body = fitToBudget(render, { ...none, failures: 1_000, outputs: 1_000 }, 20_000, 'cut');
    expect(body.length).toBeLessThanOrEqual(20_000);
    const last = seen.at(-1) ?? none;
    expect(last.failures).toBeGreaterThan(50);
    expect(last.outputs).toBeGreaterThan(50);
    expect(seen.length).toBeLessThan(10);
  });

  it('cuts at a line boundary as a last resort, keeping the head and closing open blocks', () => {
    const huge = `<details>\n<summary>x</summary>\n\n${'line\n'.repeat(50_000)}\n</details>`;
    const body = fitToBudget(
      () => [
        { kind: 'fixed', text: '<!-- prenv:pr-1 -->\n### head' },
        { kind: 'fixed', text: huge },
      ],
      none,
      10_000,
      '… the rest is not shown.',
    );
    expect(body.length).toBeLessThanOrEqual(10_000);
    expect(body.startsWith('<!-- prenv:pr-1 -->\n### head\n\n<details>')).toBe(true);
    expect(body.match(/^<\/details>$/gm)).toHaveLength(1);
    expect(body.endsWith('</details>\n\n… the rest is not shown.')).toBe(true);
  });
});

describe('fitToBudget, how it shrinks', () => {
  const items = (kind: 'failures' | 'outputs', n: number, width: number): Section => ({
    kind,
    text: Array.from({ length: n }, (_, i) => `${i} ${'x'.repeat(width)}`).join('\n'),
  });

  it('keeps a body exactly as long as the budget whole', () => {
    const render = (limits: Limits): Section[] => [{ kind: 'fixed', text: 'x'.repeat(limits.text) }];
    expect(fitToBudget(render, { ...none, text: 120 }, 120, 'cut')).toBe('x'.repeat(120));
  });

  it('keeps a short list whole while it cuts a long one', () => {
    const seen: Limits[] = [];
    const render = (limits: Limits): Section[] => {
      seen.push(limits);
      return [
        { kind: 'fixed', text: 'head' },
        items('failures', limits.failures, 200),
        items('outputs', limits.outputs, 5),
      ];
    };
    fitToBudget(render, { ...none, failures: 200, outputs: 3 }, 10_000, 'cut');
    expect(seen.at(-1)?.outputs).toBe(3);
    expect(seen.at(-1)?.failures).toBeLessThan(200);
  });

  it('with no list left to cut, shortens the texts (never below MIN_TEXT) instead of cutting the body', () => {
    // Lists allowed but empty: only the text cap can make the body fit.
    const render = (limits: Limits): Section[] => [
      { kind: 'fixed', text: 'head' },
      { kind: 'notes', text: '' },
      { kind: 'fixed', text: 'y'.repeat(limits.text * 10) },
    ];
    const body = fitToBudget(render, { ...none, notes: 5, text: 480 }, 1_500, 'cut');
    expect(body).toBe(`head\n\n${'y'.repeat(1_200)}`);
    const floor = fitToBudget(render, { ...none, notes: 5, text: 480 }, 500, '… cut');
    expect(floor.endsWith('… cut')).toBe(true);
  });
});
