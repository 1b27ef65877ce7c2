import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The whole project compiles, the typed client and the tests that use it included: jest runs the tests
 * without type checks (for speed), so a change to the OpenAPI document that breaks a caller of the
 * generated client is caught here, in `npm test`.
 */
describe('the project type-checks', () => {
  it('tsc --noEmit passes over functions, lib, local, bin, bench, clients and test', async () => {
    const root = join(__dirname, '..', '..');
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', root], {
      cwd: root,
    }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(run.out).toBe('');
    expect(run.code).toBe(0);
  }, 120_000);

  it('the web console compiles against the generated client (tsc -p web)', async () => {
    const root = join(__dirname, '..', '..');
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const run = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', join(root, 'web')], {
      cwd: root,
    }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(run.out).toBe('');
    expect(run.code).toBe(0);
  }, 120_000);
});
