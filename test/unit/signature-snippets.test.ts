/**
 * The README's verification snippets (TypeScript and Python) are what a receiver copies, so they are run
 * here, as written, against headers the platform's own signer makes: a current signature passes, one
 * signed during a rotation passes with either secret, and a changed body, a wrong secret or an old time
 * fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signatureHeader } from '../../functions/domain/webhooks/signature';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function snippet(language: 'typescript' | 'python'): string {
  const marker = `<!-- signature-snippet:${language} -->`;
  const at = README.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const block = /```\w+\n([\s\S]*?)```/.exec(README.slice(at))!;
  return block[1]!;
}

interface Case {
  readonly header: string;
  readonly body: string;
  readonly secret: string;
}

const dir = mkdtempSync(join(tmpdir(), 'signature-snippets-'));

/** Each case's verdict from the TypeScript snippet, run by tsx as its own module. */
function typescriptVerdicts(cases: readonly Case[]): boolean[] {
  const file = join(dir, 'verify.ts');
  writeFileSync(
    file,
    `${snippet('typescript')}\nconst cases = JSON.parse(process.argv[2]!);\n` +
      'console.log(JSON.stringify(cases.map((c: { header: string; body: string; secret: string }) => ' +
      'verifyPlatformSignature(c.header, c.body, c.secret))));\n',
  );
  const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const out = execFileSync(process.execPath, [tsx, file, JSON.stringify(cases)], { encoding: 'utf8' });
  return JSON.parse(out) as boolean[];
}

function pythonVerdicts(cases: readonly Case[]): boolean[] {
  const file = join(dir, 'verify.py');
  writeFileSync(
    file,
    `${snippet('python')}\nimport json, sys\ncases = json.loads(sys.argv[1])\n` +
      'print(json.dumps([verify_platform_signature(c["header"], c["body"].encode(), c["secret"]) for c in cases]))\n',
  );
  const out = execFileSync('python3', [file, JSON.stringify(cases)], { encoding: 'utf8' });
  return JSON.parse(out) as boolean[];
}

describe("the README's signature snippets", () => {
  const now = Math.floor(Date.now() / 1000);
  // Non-ASCII text: the signature is over the body's UTF-8 bytes.
  const body = JSON.stringify({ id: '01J', type: 'message.received', data: { text: 'Olá, obrigado 👍' } });
  const cases: { name: string; c: Case; valid: boolean }[] = [
    {
      name: 'current signature',
      c: { header: signatureHeader(body, ['s-new'], now), body, secret: 's-new' },
      valid: true,
    },
    {
      name: 'during a rotation, the new secret',
      c: { header: signatureHeader(body, ['s-new', 's-old'], now), body, secret: 's-new' },
      valid: true,
    },
    {
      name: 'during a rotation, the old secret',
      c: { header: signatureHeader(body, ['s-new', 's-old'], now), body, secret: 's-old' },
      valid: true,
    },
    {
      name: 'a changed body',
      c: {
        header: signatureHeader(body, ['s-new'], now),
        body: body.replace('obrigado', 'obrigada'),
        secret: 's-new',
      },
      valid: false,
    },
    {
      name: 'a wrong secret',
      c: { header: signatureHeader(body, ['s-new'], now), body, secret: 's-other' },
      valid: false,
    },
    {
      name: 'a time ten minutes old',
      c: { header: signatureHeader(body, ['s-new'], now - 600), body, secret: 's-new' },
      valid: false,
    },
    { name: 'no signature', c: { header: `t=${now}`, body, secret: 's-new' }, valid: false },
  ];

  it.each([
    ['TypeScript', typescriptVerdicts],
    ['Python', pythonVerdicts],
  ])('%s: accepts what the platform signs and refuses the rest', (_language, verdicts) => {
    const got = verdicts(cases.map((x) => x.c));
    expect(Object.fromEntries(cases.map((x, i) => [x.name, got[i]]))).toEqual(
      Object.fromEntries(cases.map((x) => [x.name, x.valid])),
    );
  });
});
