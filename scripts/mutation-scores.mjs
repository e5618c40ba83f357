// Prints the mutation score per folder (src/domain, src/workflows) from the last `npm run mutate`,
// finished or interrupted (Stryker saves its incremental file either way). `--survivors` lists them.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const file = resolve(import.meta.dirname, '..', 'reports/mutation/stryker-incremental.json');
const report = JSON.parse(await readFile(file, 'utf8'));
const rows = new Map();
const survivors = [];
for (const [path, { mutants }] of Object.entries(report.files)) {
  const folder = path.split('/').slice(0, 2).join('/');
  const row = rows.get(folder) ?? {};
  for (const mutant of mutants) {
    row[mutant.status] = (row[mutant.status] ?? 0) + 1;
    if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
      const at = `${path}:${mutant.location.start.line}`;
      survivors.push(
        `${mutant.status.padEnd(10)} ${at.padEnd(40)} ${mutant.mutatorName}: ${mutant.replacement ?? ''}`,
      );
    }
  }
  rows.set(folder, row);
}
for (const [folder, row] of [...rows].sort()) {
  const n = (status) => row[status] ?? 0;
  const detected = n('Killed') + n('Timeout');
  const valid = detected + n('Survived') + n('NoCoverage');
  const score = valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)}%`;
  const pending = n('Pending');
  console.log(
    `${folder}: ${score} (killed ${n('Killed')}, survived ${n('Survived')}, timed out ${n('Timeout')}, ` +
      `no coverage ${n('NoCoverage')}; compile errors ${n('CompileError')}, ignored ${n('Ignored')}` +
      `${pending > 0 ? `, not yet tested ${pending}` : ''})`,
  );
}
if (process.argv.includes('--survivors')) console.log(survivors.sort().join('\n'));
