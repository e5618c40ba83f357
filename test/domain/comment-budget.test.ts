import { describe, expect, it } from 'vitest';
import { fitToBudget, type Limits, type Section } from '../../src/domain/comment-budget.js';

const none: Limits = { failures: 0, outputs: 0, stacks: 0, notes: 0, environments: 0, text: 60 };
/** A list section of n numbered items, each `width` characters of x. */
const items = (kind: 'failures' | 'outputs', n: number, width: number): Section => ({
  kind,
  text: Array.from({ length: n }, (_, i) => `${i} ${'x'.repeat(width)}`).join('\n'),
});

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

describe('fitToBudget, where a hard cut ends', () => {
  it('leaves no blank lines before the cut note when the cut falls after a blank line', () => {
    // Paragraphs of one line each, a blank line between: whichever line the cut lands on, the kept
    // text may end in the blank line before the next paragraph.
    for (const budget of [1_000, 1_003, 1_010, 1_017, 1_024]) {
      const body = fitToBudget(
        () => [
          { kind: 'fixed', text: '### head' },
          { kind: 'fixed', text: Array.from({ length: 400 }, (_, i) => `para ${i}`).join('\n\n') },
        ],
        none,
        budget,
        '… the rest is not shown.',
      );
      expect(body.length).toBeLessThanOrEqual(budget);
      expect(body).not.toMatch(/\n\n\n/);
      expect(body.endsWith('\n\n… the rest is not shown.')).toBe(true);
    }
  });
});

describe('fitToBudget, how it shrinks', () => {
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

describe('fitToBudget, exact cuts', () => {
  const head = 'H'.repeat(10);
  const note = 'N'.repeat(10);
  // No list to cut and the text cap at its floor: the body is cut at once.
  const cut = (lines: readonly string[], budget: number) =>
    fitToBudget(
      () => [
        { kind: 'fixed', text: head },
        { kind: 'fixed', text: lines.join('\n') },
      ],
      none,
      budget,
      note,
    );
  const filler = Array.from({ length: 100 }, () => 'zzzz');

  it('keeps the whole lines that fit in the budget less the head, the note and 200 characters', () => {
    const lines = Array.from({ length: 100 }, () => 'a'.repeat(9));
    // room = 270 - 10 - 10 - 200 = 50: the last newline at or before it ends line 5.
    expect(cut(lines, 270)).toBe(`${head}\n\n${lines.slice(0, 5).join('\n')}\n\n${note}`);
  });

  it('closes only the <details> blocks that are open where it cut', () => {
    const blocks = [
      '<details>',
      'a <details>',
      '<details> b',
      'c </details>',
      '</details> d',
      '</details>',
      '<details>',
    ];
    // room = 305 - 220 = 85: the blocks (81 characters with their newlines) and one filler line.
    expect(cut([...blocks, ...filler], 305)).toBe(
      `${head}\n\n${blocks.join('\n')}\nzzzz\n\n</details>\n\n${note}`,
    );
    expect(cut(['<details>', ...filler], 235)).toBe(`${head}\n\n<details>\nzzzz\n\n</details>\n\n${note}`);
    expect(cut(filler, 235)).toBe(`${head}\n\n${filler.slice(0, 3).join('\n')}\n\n${note}`);
  });

  it('never returns more than the budget, even when the head alone is longer', () => {
    const body = fitToBudget(() => [{ kind: 'fixed', text: 'H'.repeat(300) }], none, 100, note);
    expect(body).toBe('H'.repeat(100));
  });

  it('shortens the texts when the only list left is at zero items but still shows its count', () => {
    const render = (limits: Limits): Section[] => [
      { kind: 'fixed', text: 'head' },
      { kind: 'failures', text: '… 2 more not shown' },
      { kind: 'fixed', text: 'y'.repeat(limits.text * 10) },
    ];
    expect(fitToBudget(render, { ...none, text: 480 }, 1_500, 'cut')).toBe(
      `head\n\n… 2 more not shown\n\n${'y'.repeat(1_200)}`,
    );
  });

  it('cuts a long list that comes after a short one, and only the long one', () => {
    const seen: Limits[] = [];
    const render = (limits: Limits): Section[] => {
      seen.push(limits);
      return [
        { kind: 'fixed', text: 'head' },
        items('failures', limits.failures, 5),
        items('outputs', limits.outputs, 200),
      ];
    };
    fitToBudget(render, { ...none, failures: 3, outputs: 200 }, 10_000, 'cut');
    // Outputs: 40,889 characters; the body is 40,920, so 30,920 + 500 slack must go. Sorted longest
    // first, the water level is 40,889 - 31,420 = 9,469, above the failures' 23: only outputs are cut,
    // to 200 × 9,469 / 40,889 items.
    expect(seen[1]).toEqual({ ...none, failures: 3, outputs: 46 });
  });

  it('renders once when nothing can shrink: no list left and the text cap at its floor', () => {
    let renders = 0;
    const render = (): Section[] => {
      renders += 1;
      return [
        { kind: 'fixed', text: 'head' },
        { kind: 'fixed', text: 'y\n'.repeat(500) },
      ];
    };
    fitToBudget(render, none, 300, 'cut');
    expect(renders).toBe(1);
  });

  it('leaves a list exactly at the water level whole', () => {
    const seen: Limits[] = [];
    const render = (limits: Limits): Section[] => {
      seen.push(limits);
      return [
        { kind: 'fixed', text: 'head' },
        items('failures', limits.failures, 200),
        items('outputs', limits.outputs, 5),
      ];
    };
    const initial = { ...none, failures: 10, outputs: 3 };
    const [, failures, outputs] = render(initial);
    const big = failures?.text.length ?? 0;
    const small = outputs?.text.length ?? 0;
    const body = 4 + 2 + big + 2 + small;
    // Overflow + 500 slack = big - small: the level falls exactly on the outputs' size.
    fitToBudget(render, initial, body - (big - small) + 500, 'cut');
    expect(seen[2]?.outputs).toBe(3);
    expect(seen[2]?.failures).toBe(Math.floor((10 * small) / big));
  });
});
