/**
 * Keeps a rendered report under a size budget. Sections are rendered with limits on how many
 * items they list and how long each untrusted text may be; while the body is too long, the
 * lists are cut first, then every text cap is halved, and as a last resort the body is cut
 * at a line boundary. Every cut leaves a visible note; the first section (the marker and
 * headline) is never cut. The lists are cut together, longest first, so that failures, outputs
 * and stacks all keep a share rather than one of them vanishing.
 */

/** How much each section may show. */
export interface Limits {
  readonly failures: number;
  readonly outputs: number;
  readonly stacks: number;
  readonly notes: number;
  /** Rows of the cleanup table. */
  readonly environments: number;
  /** Longest untrusted text per item, in characters. */
  readonly text: number;
}

/** The list a section renders, or `fixed` for sections that have nothing to cut. */
export type SectionKind = 'failures' | 'outputs' | 'stacks' | 'notes' | 'environments' | 'fixed';

/** One rendered part of a report. */
export interface Section {
  readonly kind: SectionKind;
  readonly text: string;
}

/** The shortest text cap the budget may shrink items to. */
export const MIN_TEXT = 60;
const MAX_ROUNDS = 200;
const LISTS = ['failures', 'outputs', 'stacks', 'notes', 'environments'] as const;

/** Joins sections into a body. */
export function joinSections(sections: readonly Section[]): string {
  return sections
    .map((section) => section.text)
    .filter((text) => text !== '')
    .join('\n\n');
}

/** Renders with shrinking limits until the body fits `budget`; `cutNote` explains a hard cut. */
export function fitToBudget(
  render: (limits: Limits) => readonly Section[],
  initial: Limits,
  budget: number,
  cutNote: string,
): string {
  let limits = initial;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const sections = render(limits);
    const body = joinSections(sections);
    if (body.length <= budget) return body;
    const next = shrink(limits, sections, body.length - budget);
    if (next === undefined) return hardCut(sections, budget, cutNote);
    limits = next;
  }
  return hardCut(render(limits), budget, cutNote);
}

function shrink(limits: Limits, sections: readonly Section[], overflow: number): Limits | undefined {
  const size = (kind: SectionKind) =>
    sections
      .filter((section) => section.kind === kind)
      .reduce((sum, section) => sum + section.text.length, 0);
  const lists = LISTS.filter((kind) => limits[kind] > 0 && size(kind) > 0);
  if (lists.length > 0) {
    // Cut the longest lists down to a common length (water-filling) so one list does not vanish
    // while another stays long; item counts are estimated from the average item size.
    const level = waterLevel(
      lists.map((kind) => size(kind)),
      overflow + SLACK,
    );
    const next: Record<string, number> = {};
    for (const kind of lists) {
      const current = limits[kind];
      if (size(kind) > level)
        next[kind] = Math.max(0, Math.min(current - 1, Math.floor((current * level) / size(kind))));
    }
    return { ...limits, ...next };
  }
  if (limits.text > MIN_TEXT) return { ...limits, text: Math.max(MIN_TEXT, Math.floor(limits.text / 2)) };
  return undefined;
}

/** Room left for the notes a cut adds. */
const SLACK = 500;

/** The highest level L such that cutting every size above L down to L removes `excess`. */
function waterLevel(sizes: readonly number[], excess: number): number {
  const sorted = [...sizes].sort((a, b) => b - a);
  let sum = 0;
  for (let k = 0; k < sorted.length; k++) {
    sum += sorted[k] ?? 0;
    const level = (sum - excess) / (k + 1);
    if (level >= (sorted[k + 1] ?? 0)) return Math.max(0, level);
  }
  return 0;
}

function hardCut(sections: readonly Section[], budget: number, cutNote: string): string {
  const [head, ...rest] = sections;
  const headText = head?.text ?? '';
  const body = joinSections(rest);
  const room = Math.max(0, budget - headText.length - cutNote.length - 200);
  const end = body.lastIndexOf('\n', room);
  // Ending at a line break that follows a blank line would leave that blank line before the note.
  let kept = body.slice(0, Math.max(end, 0)).trimEnd();
  const open = (kept.match(/^<details>$/gm) ?? []).length - (kept.match(/^<\/details>$/gm) ?? []).length;
  kept += '\n\n</details>'.repeat(Math.max(0, open));
  return joinSections([
    { kind: 'fixed', text: headText },
    { kind: 'fixed', text: kept },
    { kind: 'fixed', text: cutNote },
  ]).slice(0, budget);
}
