/**
 * `npm run openapi`: writes the API's OpenAPI document to docs/openapi.json and the typed client's
 * types to clients/typescript/schema.d.ts (openapi-typescript). `--check` writes nothing and fails when
 * either file is older than the routes; the unit tier runs it, so a contract change shows up in review
 * and breaks the client's compile, not a user.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { clientTypes } from '../clients/typescript/generate';
import { apiDocument } from '../functions/http/api-document';

const ROOT = join(__dirname, '..');
const DOCUMENT = join(ROOT, 'docs', 'openapi.json');
const TYPES = join(ROOT, 'clients', 'typescript', 'schema.d.ts');

async function main(check: boolean): Promise<number> {
  const doc = await apiDocument();
  const files = [
    [DOCUMENT, `${JSON.stringify(doc, null, 2)}\n`],
    [TYPES, await clientTypes(doc)],
  ] as const;
  if (!check) {
    for (const [file, text] of files) writeFileSync(file, text);
    console.log(`wrote ${files.map(([f]) => relative(ROOT, f)).join(' and ')}`);
    return 0;
  }
  const stale = files.filter(([file, text]) => {
    try {
      return readFileSync(file, 'utf8') !== text;
    } catch {
      return true;
    }
  });
  for (const [file] of stale)
    console.error(`${relative(ROOT, file)} is not what the routes describe: run npm run openapi`);
  return stale.length === 0 ? 0 : 1;
}

main(process.argv.includes('--check')).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
