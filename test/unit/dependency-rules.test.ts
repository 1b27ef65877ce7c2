/**
 * The folder rules of docs/architecture.md, checked on every import: the domain imports nothing of ours
 * but itself, ports only the domain, services and http never an adapter or the composition, and the CDK
 * app never an adapter, and the web console only the generated client and the pure domain.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(ts|mts|tsx)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** Our own modules a file imports (type-only imports count: they are still a dependency). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) =>
    relative(ROOT, resolve(dirname(file), m[1]!)),
  );
}

const layer = (path: string) => path.split('/').slice(0, 2).join('/');

const RULES: { from: string; mayNot: (target: string) => boolean; why: string }[] = [
  {
    from: 'functions/domain',
    mayNot: (t) => !t.startsWith('functions/domain'),
    why: 'the domain imports only itself',
  },
  {
    from: 'functions/ports',
    mayNot: (t) => !t.startsWith('functions/domain') && !t.startsWith('functions/ports'),
    why: 'ports name domain types only',
  },
  {
    from: 'functions/services',
    mayNot: (t) => /^functions\/(adapters|compose|handlers|http)/.test(t),
    why: 'services use ports, never adapters',
  },
  {
    from: 'functions/http',
    mayNot: (t) => /^functions\/(adapters|compose|handlers)/.test(t),
    why: 'routes use services and ports',
  },
  {
    from: 'lib',
    mayNot: (t) => /^functions\/(adapters|compose|services|handlers)/.test(t),
    why: 'the stack reads resources, never runtime code',
  },
  {
    from: 'web',
    mayNot: (t) =>
      !t.startsWith('web/') && !t.startsWith('clients/typescript') && !t.startsWith('functions/domain'),
    why: 'the console talks to the API through the generated client and shares only pure domain code',
  },
];

describe('the dependency rules', () => {
  it.each(RULES.map((r) => [r.from, r] as const))('%s', (_name, rule) => {
    const broken: string[] = [];
    for (const file of sources(join(ROOT, rule.from))) {
      for (const target of imports(file)) {
        if (rule.mayNot(target)) broken.push(`${relative(ROOT, file)} -> ${target} (${rule.why})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('finds the imports it checks', () => {
    expect(imports(join(ROOT, 'functions', 'services', 'outbox.ts'))).toContain('functions/ports');
    expect(layer('functions/services/outbox.ts')).toBe('functions/services');
  });
});
