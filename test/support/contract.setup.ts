/**
 * Every e2e answer is checked against the OpenAPI document: the setup wraps fetch, and a request to any
 * `/api/...` path on this machine whose answer breaks the contract fails the test that made it.
 */
import { apiDocument } from '../../functions/http/api-document';
import { ContractChecker } from './contract';

const original = globalThis.fetch;
let checker: Promise<ContractChecker> | undefined;

async function checked(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await original(input, init);
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request ? request.url : String(input));
  if (!/^(127\.0\.0\.1|localhost|\[::1\])$/.test(url.hostname) || !url.pathname.startsWith('/api/')) {
    return response;
  }
  const method = init?.method ?? request?.method ?? 'GET';
  const body = method === 'HEAD' ? '' : await response.clone().text();
  checker ??= apiDocument().then((doc) => new ContractChecker(doc as never));
  const problems = (await checker).check(
    method,
    url.pathname,
    response.status,
    response.headers.get('content-type') ?? '',
    body,
  );
  if (problems.length > 0) throw new Error(`The answer breaks the OpenAPI contract:\n${problems.join('\n')}`);
  return response;
}

globalThis.fetch = checked as typeof fetch;
