import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * A clone has nothing beside it: no file the project runs or tests may reach into a sibling folder of
 * the repository. The patterns are assembled here so this file does not match itself.
 */
const ROOT = join(__dirname, '..', '..');
const SKIP_DIRS = new Set(['node_modules', '.git', '.data', 'cdk.out', 'coverage', 'dist', 'test-results']);
const SCANNED = /\.(ts|tsx|mts|cts|js|mjs|cjs|json|sh|yml|yaml)$|^run$/;
const OUTSIDE = [
  ['..', 'shared'].join('/'),
  ['shared', 'fixtures'].join('/'),
  ['..', '..', '..', "'shared'"].join("', '"),
];

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || name.startsWith('.data')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (SCANNED.test(name)) yield path;
  }
}

describe('the repository is self-contained', () => {
  it('no source, test, script or config file reads a folder outside the repository', () => {
    const offenders: string[] = [];
    for (const path of files(ROOT)) {
      if (path.endsWith('package-lock.json')) continue;
      const text = readFileSync(path, 'utf8');
      for (const pattern of OUTSIDE)
        if (text.includes(pattern)) offenders.push(`${relative(ROOT, path)}: ${pattern}`);
    }
    expect(offenders).toEqual([]);
  });

  it('carries the WhatsApp fixtures the tests replay, with their sources', () => {
    const dir = join(ROOT, 'test', 'fixtures', 'whatsapp');
    const names = readdirSync(dir);
    expect(names).toContain('SOURCES.md');
    expect(names.filter((n) => n.endsWith('.json')).length).toBeGreaterThanOrEqual(39);
    expect(relative(ROOT, dir).split(sep)[0]).toBe('test');
  });
});
