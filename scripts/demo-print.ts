import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Styles text for stdout; styleText drops the codes when stdout is not a colour terminal or NO_COLOR is set. */
export function paint(style: Style, text: string): string {
  return styleText(style, text, { stream: process.stdout });
}

/** Prints one line. */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Prints `label  value` rows, labels padded to one column. */
export function rows(entries: ReadonlyArray<readonly [string, string]>, indent = 4): void {
  const width = Math.max(...entries.map(([label]) => label.length));
  for (const [label, value] of entries)
    say(`${' '.repeat(indent)}${paint('dim', label.padEnd(width))}  ${value}`);
}

/** Milliseconds as `52.3 s` or `1 min 4 s`. */
export function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const whole = Math.round(ms / 1000);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** The comment's headline (its `###` line) without markdown. */
export function headline(body: string): string {
  const line = body.split('\n').find((text) => text.startsWith('### ')) ?? '';
  return plain(line.slice(4));
}

/** The value of a `- **Label:** value` bullet of the comment, without markdown; undefined when absent. */
export function bullet(body: string, label: string): string | undefined {
  const prefix = `- **${label}:** `;
  const line = body.split('\n').find((text) => text.startsWith(prefix));
  return line === undefined ? undefined : plain(line.slice(prefix.length));
}

/** The rows of the comment's Stacks table as `name (outcome)`. */
export function stackOutcomes(body: string): string[] {
  return body
    .split('\n')
    .map((line) => line.match(/^\| `([^`]+)` \| ([^|]+?) \| (`[A-Z_]+`|\s*) \|$/))
    .filter((match) => match !== null)
    .map((match) => `${match[1]} (${plain(match[2] ?? '')})`);
}

/** Markdown links, code spans and emphasis reduced to their text. */
function plain(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .replace(/\\(.)/g, '$1')
    .trim();
}

/** A JSON array output as a comma-separated list, or `none`. */
export function list(json: string | undefined): string {
  const names = JSON.parse(json || '[]') as string[];
  return names.length === 0 ? 'none' : names.join(', ');
}
