// `npm run docs`: renders the README's input and output tables from action.yml, between the
// `<!-- inputs:start -->`/`<!-- inputs:end -->` and `<!-- outputs:start -->`/`<!-- outputs:end -->` markers.
// `npm run docs -- --check` rewrites nothing and exits 1 when README.md is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The parts of action.yml the tables show. */
export interface ActionMetadata {
  readonly inputs: Readonly<Record<string, { readonly description?: string; readonly default?: string }>>;
  readonly outputs: Readonly<Record<string, { readonly description?: string }>>;
}

/** The repository root. */
export const REPOSITORY_ROOT = resolve(import.meta.dirname, '..');

/** Parses action.yml's text. */
export function parseAction(text: string): ActionMetadata {
  const action = parse(text) as Partial<ActionMetadata> | null;
  return { inputs: action?.inputs ?? {}, outputs: action?.outputs ?? {} };
}

/** The markdown table of inputs: name, default, description, in action.yml's order. */
export function inputsTable(action: ActionMetadata): string {
  return table(
    ['Input', 'Default', 'Description'],
    Object.entries(action.inputs).map(([name, spec]) => [
      `\`${name}\``,
      spec.default === undefined || spec.default === '' ? '' : code(spec.default),
      cell(spec.description ?? ''),
    ]),
  );
}

/** The markdown table of outputs: name and description, in action.yml's order. */
export function outputsTable(action: ActionMetadata): string {
  return table(
    ['Output', 'Description'],
    Object.entries(action.outputs).map(([name, spec]) => [`\`${name}\``, cell(spec.description ?? '')]),
  );
}

/** A table with padded columns, as Biome's markdown formatter writes it (so `biome check` agrees). */
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((text, column) => text.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** README text with both generated sections replaced; throws when a marker is missing. */
export function renderReadme(readme: string, action: ActionMetadata): string {
  return replaceSection(
    replaceSection(readme, 'inputs', inputsTable(action)),
    'outputs',
    outputsTable(action),
  );
}

/** What `--check` decides: whether README.md matches action.yml, and the text it should have. */
export function checkReadme(root = REPOSITORY_ROOT): {
  readonly upToDate: boolean;
  readonly expected: string;
} {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const expected = renderReadme(readme, parseAction(readFileSync(join(root, 'action.yml'), 'utf8')));
  return { upToDate: expected === readme, expected };
}

function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) {
    throw new Error(`README.md needs the markers ${start} and ${end}, in that order`);
  }
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/** A table cell: one line; pipes escaped, and angle brackets so that `<repo>` is not read as HTML. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives backticks and pipes in the value. */
function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  const padded = text.startsWith('`') || text.endsWith('`') ? ` ${text} ` : text;
  return `${fence}${padded.replace(/\|/g, '\\|')}${fence}`;
}

function cli(argv: readonly string[]): number {
  const { upToDate, expected } = checkReadme();
  if (argv.includes('--check')) {
    if (upToDate) return 0;
    process.stderr.write(
      'README.md input/output tables differ from action.yml: run npm run docs and commit.\n',
    );
    return 1;
  }
  if (!upToDate) writeFileSync(join(REPOSITORY_ROOT, 'README.md'), expected);
  process.stdout.write(
    upToDate ? 'README.md tables already match action.yml\n' : 'README.md tables updated\n',
  );
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = cli(process.argv.slice(2));
}
