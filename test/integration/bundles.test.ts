/**
 * The deployed artefacts themselves: the api, webhook and events functions bundled exactly as `cdk deploy`
 * bundles them (AWS SDK inside, code split, zod with English only), copied outside the repository so
 * nothing can be resolved from node_modules, and each invoked in a fresh `node` the way Lambda does,
 * against dynalite and fauxqs through the SDK's standard endpoint variables.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoApiKeyStore } from '../../functions/adapters/dynamodb/api-key-store';
import { issueApiKey } from '../../functions/domain/api-key';
import { signPayload } from '../../functions/domain/webhook-signature';
import { QUEUES, TABLES } from '../../functions/resources';
import { bundleFunction, ENTRY_FILE, type HandlerName, NODE_OPTIONS } from '../../lib/bundling';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/platform';
import { ensureQueue } from '../../local/provision';
import { documentClient, endpoints, isolatedConfig, sqsClient, uniqueSuffix } from '../support/aws';
import { startFakeOpenAi } from '../support/fake-openai';
import { fixtureText } from '../support/fixtures';

jest.setTimeout(120_000);

const run = promisify(execFile);
const APP_SECRET = 'bundle-test-app-secret';
const VERIFY_TOKEN = 'bundle-test-verify-token';

/** Imports a bundle in a fresh process, calls its handler once with `event`, and returns what it returned. */
async function invoke(
  dir: string,
  event: unknown,
  env: Record<string, string>,
): Promise<{ result?: unknown; error?: string }> {
  const script = `
    const { handler } = await import(${JSON.stringify(join(dir, ENTRY_FILE))});
    const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60000 };
    try {
      const result = await handler(JSON.parse(process.env.EVENT), context);
      console.log('RESULT ' + JSON.stringify(result));
    } catch (error) {
      console.log('ERROR ' + JSON.stringify(error.message));
    }`;
  const { stdout } = await run(
    process.execPath,
    [...NODE_OPTIONS.split(' '), '--input-type=module', '-e', script],
    {
      env: { PATH: process.env.PATH ?? '', ...env, EVENT: JSON.stringify(event) },
      cwd: dir,
      maxBuffer: 16 << 20,
    },
  );
  const last = stdout.trim().split('\n').pop() ?? '';
  if (last.startsWith('RESULT ')) return { result: JSON.parse(last.slice(7)) };
  if (last.startsWith('ERROR ')) return { error: JSON.parse(last.slice(6)) as string };
  throw new Error(`no result from the bundle:\n${stdout}`);
}

/** An API Gateway HTTP API (payload 2.0) request. */
function httpEvent(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string; query?: string } = {},
) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: { host: 'api.example.com', ...options.headers },
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      domainName: 'api.example.com',
      requestId: 'test',
      stage: '$default',
    },
    body: options.body,
    isBase64Encoded: false,
  };
}

type HttpResult = { statusCode: number; body: string; headers?: Record<string, string> };

describe('the deployed bundles, run as Lambda runs them', () => {
  const out = mkdtempSync(join(tmpdir(), 'wa-bundles-'));
  const dirs = {} as Record<HandlerName, string>;
  let env: Record<string, string>;
  let apiKey: string;
  let eventsQueueUrl: string;

  const included = {} as Record<HandlerName, string[]>;
  beforeAll(async () => {
    for (const name of ['api', 'webhook', 'events', 'crawler'] as const) {
      dirs[name] = join(out, name);
      const meta = await bundleFunction(name, dirs[name]);
      // Our own source files that contribute code to the bundle (tree-shaken ones contribute nothing).
      included[name] = Object.values(meta.outputs)
        .flatMap((o) =>
          Object.entries(o.inputs)
            .filter(([, i]) => i.bytesInOutput > 0)
            .map(([f]) => f),
        )
        .filter((f) => f.startsWith('functions/'));
    }
    const config = await isolatedConfig();
    const sqs = sqsClient();
    const suffix = uniqueSuffix();
    const queueEnv: Record<string, string> = {};
    for (const [key, def] of Object.entries(QUEUES)) {
      const queue = await ensureQueue(sqs, `${def.localName}-bundles-${suffix}`, def);
      queueEnv[def.envVar] = queue.url;
      if (key === 'events') eventsQueueUrl = queue.url;
    }
    sqs.destroy();
    const issued = issueApiKey();
    apiKey = issued.key;
    const db = documentClient();
    await new DynamoApiKeyStore(db, config.tables.apiKeys).put({
      id: issued.id,
      name: 'bundle test',
      hash: issued.hash,
      createdAt: new Date().toISOString(),
    });
    db.destroy();
    const { dynamodbEndpoint, sqsEndpoint } = endpoints();
    env = {
      ...Object.fromEntries(
        Object.entries(TABLES).map(([key, def]) => [def.envVar, config.tables[key as keyof typeof TABLES]]),
      ),
      ...queueEnv,
      // The SDK's own per-service endpoint variables: the handlers run unchanged, as in AWS.
      AWS_ENDPOINT_URL_DYNAMODB: dynamodbEndpoint,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_WEBHOOK_VERIFY_TOKEN: VERIFY_TOKEN,
      LOG_LEVEL: 'ERROR',
    };
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('splits what is used on first use (OpenAI, HTML parsing) from what is read at start', () => {
    const files = readdirSync(dirs.api);
    expect(files).toContain(ENTRY_FILE);
    expect(files.some((f) => /^openai-[A-Z0-9]+\.mjs$/.test(f))).toBe(true);
    expect(files.some((f) => /^html-[A-Z0-9]+\.mjs$/.test(f))).toBe(true);
    expect(readdirSync(dirs.webhook).some((f) => f.startsWith('openai-'))).toBe(false);
  });

  it('each function carries only the stores it uses', () => {
    const stores = (name: HandlerName) =>
      included[name]
        .filter((f) => f.startsWith('functions/adapters/dynamodb/') && f.endsWith('-store.ts'))
        .sort();
    expect(stores('webhook')).toEqual([]);
    expect(stores('crawler')).toEqual(['functions/adapters/dynamodb/knowledge-store.ts']);
    expect(stores('events')).not.toContain('functions/adapters/dynamodb/template-store.ts');
    expect(stores('events')).not.toContain('functions/adapters/dynamodb/knowledge-store.ts');
    expect(stores('api')).toContain('functions/adapters/dynamodb/idempotency-store.ts');
  });

  it('webhook: answers Meta verification and refuses a wrong token', async () => {
    const query = `hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`;
    const ok = await invoke(dirs.webhook, httpEvent('GET', '/api/whatsapp/webhook', { query }), env);
    expect(ok.result).toMatchObject({ statusCode: 200, body: '1158201444' });
    const wrong = await invoke(
      dirs.webhook,
      httpEvent('GET', '/api/whatsapp/webhook', { query: query.replace(VERIFY_TOKEN, 'nope') }),
      env,
    );
    expect((wrong.result as HttpResult).statusCode).toBe(403);
  });

  it('webhook then events: a signed inbound message is queued, applied, and readable through the api', async () => {
    const raw = fixtureText('01-text-meta-dashboard-test.json');
    const posted = await invoke(
      dirs.webhook,
      httpEvent('POST', '/api/whatsapp/webhook', {
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(raw, APP_SECRET) },
        body: raw,
      }),
      env,
    );
    expect((posted.result as HttpResult).statusCode).toBe(200);

    const sqs = sqsClient();
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: eventsQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }),
    );
    sqs.destroy();
    expect(received.Messages).toHaveLength(1);
    const message = received.Messages![0]!;
    const applied = await invoke(
      dirs.events,
      {
        Records: [
          {
            messageId: message.MessageId,
            receiptHandle: message.ReceiptHandle,
            body: message.Body,
            attributes: { ApproximateReceiveCount: '1' },
            messageAttributes: {},
            eventSource: 'aws:sqs',
          },
        ],
      },
      env,
    );
    expect(applied.result).toEqual({ batchItemFailures: [] });

    const read = await invoke(
      dirs.api,
      httpEvent('GET', '/api/conversations/16315551181/messages', {
        headers: { authorization: `Bearer ${apiKey}` },
      }),
      env,
    );
    const history = read.result as HttpResult;
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain('this is a text message');
  });

  it('api: refuses a request without a key, stores a template, and parses an HTML document', async () => {
    const anonymous = await invoke(dirs.api, httpEvent('GET', '/api/templates'), env);
    expect((anonymous.result as HttpResult).statusCode).toBe(401);

    const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const created = await invoke(
      dirs.api,
      httpEvent('POST', '/api/templates', {
        headers: auth,
        body: JSON.stringify({ name: 'welcome', body: 'Hello {{customerName}}! Welcome to our service.' }),
      }),
      env,
    );
    const template = created.result as HttpResult;
    expect(template.statusCode).toBe(201);
    expect(JSON.parse(template.body)).toMatchObject({ name: 'welcome', variables: ['customerName'] });

    const document = await invoke(
      dirs.api,
      httpEvent('POST', '/api/knowledge/documents', {
        headers: auth,
        body: JSON.stringify({
          title: 'Opening hours',
          format: 'html',
          content:
            '<html><body><h1>Opening hours</h1><p>We are open from 9 to 5 on weekdays.</p></body></html>',
        }),
      }),
      env,
    );
    expect((document.result as HttpResult).statusCode).toBe(201);
  });

  it('api: loads the OpenAI SDK on first use, to embed a document and answer a question', async () => {
    const openai = await startFakeOpenAi();
    try {
      const withOpenAi = { ...env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: openai.baseUrl };
      const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
      const added = await invoke(
        dirs.api,
        httpEvent('POST', '/api/knowledge/documents', {
          headers: auth,
          body: JSON.stringify({
            title: 'Repairs',
            content: 'Puncture repairs cost 12 euros and take about twenty minutes while you wait.',
          }),
        }),
        withOpenAi,
      );
      expect((added.result as HttpResult).statusCode).toBe(201);
      expect(openai.embeddingRequests.length).toBeGreaterThan(0);

      const asked = await invoke(
        dirs.api,
        httpEvent('POST', '/api/knowledge/ask', {
          headers: auth,
          body: JSON.stringify({ question: 'How much does a puncture repair cost?' }),
        }),
        withOpenAi,
      );
      const answer = asked.result as HttpResult;
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ handoff: false, answeredBy: 'model' });
      expect(openai.chatRequests).toHaveLength(1);
    } finally {
      await openai.close();
    }
  });

  it('api: serves the API reference page and its Swagger UI files from the bundle itself', async () => {
    // Lambda sets LAMBDA_TASK_ROOT to the function's directory; the files were copied there by the bundler.
    const lambdaEnv = { ...env, LAMBDA_TASK_ROOT: dirs.api };
    const page = (await invoke(dirs.api, httpEvent('GET', '/api/docs'), lambdaEnv)).result as HttpResult;
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script src="/api/docs/swagger-ui-bundle.js">');
    expect(page.body).not.toMatch(/https?:\/\//);
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
      const asset = (await invoke(dirs.api, httpEvent('GET', `/api/docs/${file}`), lambdaEnv))
        .result as HttpResult;
      expect(asset.statusCode).toBe(200);
      expect(asset.body.length).toBeGreaterThan(100_000);
    }
  });

  it('api: a bad setting stops start-up with the variable named, in English', async () => {
    const broken = await invoke(dirs.api, httpEvent('GET', '/api/templates'), {
      ...env,
      SEND_RATE_PER_SECOND: 'fast',
    });
    expect(broken.error).toBe('SEND_RATE_PER_SECOND must be a whole number from 1 to 1000 (got "fast")');
  });
});
