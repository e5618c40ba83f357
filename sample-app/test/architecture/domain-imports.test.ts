import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : /\.[cm]?[jt]s$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every module specifier a file imports, statically, dynamically, by require or re-export. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]/g,
  ];
  return patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ''));
}

describe('architecture', () => {
  const domain = sourceFiles(join(root, 'src', 'domain'));

  it('finds the domain sources', () => {
    expect(domain.length).toBeGreaterThan(3);
  });

  it.each(domain.map((file) => [relative(root, file), file]))(
    '%s imports no AWS, framework or I/O module',
    (_name, file) => {
      const forbidden = importsOf(file).filter(
        (specifier) => !specifier.startsWith('./') || /aws|lambda|powertools|cdk/i.test(specifier),
      );
      expect(forbidden).toEqual([]);
    },
  );

  it('the application layer imports only the domain and its own ports', () => {
    for (const file of sourceFiles(join(root, 'src', 'application'))) {
      // Allowed: siblings (`./ports.js`) and the domain (`../domain/…`); nothing else, no packages.
      const outside = importsOf(file).filter(
        (specifier) => !/^(\.\/[a-z-]+\.js|\.\.\/domain\/[a-z-]+\.js)$/.test(specifier),
      );
      expect(outside, relative(root, file)).toEqual([]);
    }
  });

  it('the notifier knows InvoiceCreated only through the contract, not through the producer’s code', () => {
    const files = sourceFiles(join(root, 'src', 'notifications'));
    expect(files.length).toBeGreaterThan(2);
    for (const file of files) {
      // Only its own siblings: no domain, application or package imports.
      const outside = importsOf(file).filter((specifier) => !/^\.\/[a-z0-9-]+\.js$/.test(specifier));
      expect(outside, relative(root, file)).toEqual([]);
    }
  });
});
