import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOMAIN = join(import.meta.dirname, '..', '..', 'src', 'domain');

/** Module specifiers that mean I/O, SDKs, the runner or the adapters: none belongs in the pure domain. */
const FORBIDDEN: readonly RegExp[] = [
  /^@aws-sdk\//,
  /^@aws-cdk\//,
  /^aws-cdk(-lib)?(\/|$)/,
  /^@smithy\//,
  /^@actions\//,
  /^@octokit\//,
  /^execa$/,
  /^(node:)?fs(\/promises)?$/,
  /^(node:)?child_process$/,
  /^(node:)?(net|http|https|http2|dgram|dns|tls)$/,
  /^(node:)?(worker_threads|cluster|process|os|readline|vm)$/,
  /(^|\/)(adapters|workflows)\//,
  /(^|\/)(main|index|post)\.js$/,
  /^tinyglobby$/,
  /^fast-xml-parser$/,
];

/** Every module a file imports or re-exports, statically or dynamically. */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,$]+\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) specifiers.push(match[1] as string);
  return specifiers;
}

const files = readdirSync(DOMAIN).filter((file) => file.endsWith('.ts'));

describe('src/domain does no I/O', () => {
  it('finds the domain files', () => {
    expect(files).toContain('plan.ts');
    expect(files).toContain('fingerprint.ts');
  });

  it('reads every kind of import the check relies on', () => {
    expect(
      importsOf(
        "import a from 'x1';\nimport type { B } from \"x2\";\nimport 'x3';\nexport { c } from 'x4';\n" +
          "const d = await import('x5');\nimport {\n  e,\n  f,\n} from 'x6';\nexport * from 'x7';",
      ).sort(),
    ).toEqual(['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']);
  });

  it.each(files)('%s imports no SDK, runner toolkit, adapter, process, file or network module', (file) => {
    const imports = importsOf(readFileSync(join(DOMAIN, file), 'utf8'));
    const forbidden = imports.filter((specifier) => FORBIDDEN.some((pattern) => pattern.test(specifier)));
    expect(forbidden).toEqual([]);
  });

  it('allows node:crypto only where it is needed, in fingerprint.ts', () => {
    const users = files.filter((file) =>
      importsOf(readFileSync(join(DOMAIN, file), 'utf8')).includes('node:crypto'),
    );
    expect(users).toEqual(['fingerprint.ts']);
  });
});
