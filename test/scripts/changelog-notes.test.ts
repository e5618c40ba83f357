import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notesFor } from '../../scripts/changelog-notes.js';
import { REPOSITORY_ROOT } from '../../scripts/readme-tables.js';

const SAMPLE = `# Changelog

All notable changes.

## [Unreleased]

### Added
- Something next.

## [1.1.0] - 2027-02-01

### Fixed
- A fix.

## [1.0.0] - 2027-01-01

### Added
- The first release.

[Unreleased]: https://example.invalid/compare/v1.1.0...HEAD
[1.1.0]: https://example.invalid/compare/v1.0.0...v1.1.0
[1.0.0]: https://example.invalid/releases/tag/v1.0.0
`;

describe('changelog notes', () => {
  it('extracts one version’s section, without its heading, up to the next one', () => {
    expect(notesFor(SAMPLE, '1.1.0')).toBe('### Fixed\n- A fix.\n');
    expect(notesFor(SAMPLE, 'v1.1.0')).toBe('### Fixed\n- A fix.\n');
  });

  it('stops at the link references after the last section', () => {
    expect(notesFor(SAMPLE, '1.0.0')).toBe('### Added\n- The first release.\n');
  });

  it('fails for a version that has no section, or an empty one', () => {
    expect(() => notesFor(SAMPLE, '2.0.0')).toThrow(/no section for 2\.0\.0/);
    expect(() => notesFor('## [3.0.0] - 2027-03-01\n\n## [2.0.0]\n- x\n', '3.0.0')).toThrow(/empty/);
    expect(() => notesFor(SAMPLE, '1.1')).toThrow(/no section/); // a prefix is not a match
  });

  it('CHANGELOG.md has an Unreleased section and a section for package.json’s version', () => {
    const changelog = readFileSync(join(REPOSITORY_ROOT, 'CHANGELOG.md'), 'utf8');
    const { version } = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8'));
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(notesFor(changelog, version)).toMatch(/^### Added$/m);
    expect(changelog).toMatch(
      new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\] - \\d{4}-\\d\\d-\\d\\d$`, 'm'),
    );
  });

  it('the npm script prints the notes, and fails for an unknown version', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const out = execFileSync(npm, ['run', '--silent', 'release:notes', '--', 'v0.1.0'], {
      cwd: REPOSITORY_ROOT,
      encoding: 'utf8',
    });
    expect(out).toContain('### Added');
    const missing = spawnSync(npm, ['run', '--silent', 'release:notes', '--', '9.9.9'], {
      cwd: REPOSITORY_ROOT,
    });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr.toString()).toContain('no section for 9.9.9');
  });
});
