/**
 * `npm run bench -- assistant`: retrieval quality on the demo shop's site (recall@3 over labelled
 * questions, correct handoffs for questions the site does not answer), lexical alone and hybrid with
 * (deterministic, fake) embeddings; retrieval latency over 10,000 passages; crawl throughput.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../functions/config';
import { KnowledgeIndex, type Passage, unitVector } from '../functions/domain/knowledge/retrieval';
import type { KnowledgeSource } from '../functions/domain/knowledge/source';
import { createLogger } from '../functions/logger';
import { startFixtureSite } from '../local/fixture-site/server';
import { startPlatform } from '../local/platform';
import { isolatedTableEnv } from '../test/support/aws';
import { fakeEmbedding, startFakeOpenAi } from '../test/support/fake-openai';
import { QUESTIONS } from './assistant-questions';
import { startBackends } from './send';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

interface Quality {
  recallAt3: number;
  answerable: number;
  unanswerable: number;
  correctHandoffs: number;
  falseHandoffs: number;
  misses: string[];
}

export async function runAssistantBenchmark(options: { quick?: boolean } = {}) {
  const b = await startBackends();
  const site = await startFixtureSite();
  const openai = await startFakeOpenAi();
  try {
    const lexical = await scenario(b, site.url, {});
    const hybrid = await scenario(b, site.url, {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_EMBEDDING_DIMENSIONS: '512',
    });
    const latency = retrievalLatency(options.quick ? 2000 : 10_000, options.quick ? 300 : 2000);
    const summary = [
      `Lexical (no OpenAI key): recall@3 ${lexical.quality.recallAt3}, unanswerable handed off ${lexical.quality.correctHandoffs}/${lexical.quality.unanswerable}, answerable wrongly handed off ${lexical.quality.falseHandoffs}/${lexical.quality.answerable}`,
      `Hybrid (fake deterministic embeddings): recall@3 ${hybrid.quality.recallAt3}, unanswerable handed off ${hybrid.quality.correctHandoffs}/${hybrid.quality.unanswerable}, answerable wrongly handed off ${hybrid.quality.falseHandoffs}/${hybrid.quality.answerable}`,
      `Retrieval over ${latency.passages} passages (512-dim vectors): p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms; index built in ${latency.buildMs} ms, ${latency.heapMb} MB heap`,
      `Crawl: ${lexical.crawl.pages} pages in ${lexical.crawl.seconds} s = ${lexical.crawl.pagesPerSecond} pages/s (lexical), ${hybrid.crawl.pagesPerSecond} pages/s with embeddings; refresh of unchanged pages ${lexical.refresh.pagesPerSecond} pages/s`,
    ].join('\n');
    return { lexical, hybrid, latency, summary };
  } finally {
    await openai.close();
    await site.close();
    b.child.kill();
  }
}

async function scenario(
  b: Awaited<ReturnType<typeof startBackends>>,
  siteUrl: string,
  env: Record<string, string>,
) {
  const config = loadConfig({
    ...isolatedTableEnv(),
    PORT: '0',
    CRAWLER_ALLOW_PRIVATE_HOSTS: 'true',
    ...env,
  });
  const platform = await startPlatform({
    config,
    endpoints: b,
    persistent: false,
    logger: createLogger({ level: 'ERROR' }),
    queueSuffix: `-as-${Date.now()}`,
    print: () => {},
  });
  const api = (path: string, body?: unknown) =>
    fetch(`${platform.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${platform.apiKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const crawl = async (start: () => Promise<Response>) => {
    const t0 = performance.now();
    const queued = (await (await start()).json()) as KnowledgeSource;
    for (;;) {
      const s = (await (await api(`/api/knowledge/sources/${queued.id}`)).json()) as KnowledgeSource;
      if (s.state === 'ready' || s.state === 'failed') {
        const seconds = (performance.now() - t0) / 1000;
        return {
          source: s,
          pages: s.pagesIndexed,
          seconds: round(seconds, 2),
          pagesPerSecond: round(s.pagesIndexed / seconds, 1),
        };
      }
      await sleep(25);
    }
  };
  try {
    const first = await crawl(() => api('/api/knowledge/sources', { url: `${siteUrl}/` }));
    const refresh = await crawl(() => api(`/api/knowledge/sources/${first.source.id}/refresh`, {}));
    const quality: Quality = {
      recallAt3: 0,
      answerable: 0,
      unanswerable: 0,
      correctHandoffs: 0,
      falseHandoffs: 0,
      misses: [],
    };
    let found = 0;
    for (const { q, page } of QUESTIONS) {
      const r = (await (await api('/api/knowledge/ask', { question: q })).json()) as {
        handoff: boolean;
        passages: { url: string }[];
      };
      if (page === null) {
        quality.unanswerable++;
        if (r.handoff) quality.correctHandoffs++;
        else quality.misses.push(`answered: ${q}`);
        continue;
      }
      quality.answerable++;
      const top3 = r.passages.slice(0, 3).map((p) => new URL(p.url).pathname);
      if (top3.includes(page)) found++;
      else quality.misses.push(`not in top 3: ${q} (got ${top3.join(', ')})`);
      if (r.handoff) quality.falseHandoffs++;
    }
    quality.recallAt3 = round(found / quality.answerable);
    const { source: _s, ...crawlFigures } = first;
    const { source: _r, ...refreshFigures } = refresh;
    return {
      crawl: crawlFigures,
      refresh: { ...refreshFigures, unchanged: refresh.source.pagesUnchanged },
      quality,
    };
  } finally {
    await platform.stop();
  }
}

/** Search latency of the in-memory index at the scale the responder Lambda is documented for. */
function retrievalLatency(passages: number, queries: number) {
  // A corpus shaped like real text: a 5,000-word vocabulary drawn with Zipf's law (a few common words,
  // a long tail), so the lexical index sees realistic posting-list lengths.
  const syllables = [
    'ba',
    'ke',
    'ri',
    'to',
    'mu',
    'sa',
    'ne',
    'lo',
    'pi',
    'da',
    'vo',
    'gu',
    'te',
    'shi',
    'ra',
  ];
  let seed = 42;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const vocabulary = Array.from({ length: 5000 }, (_, i) => {
    let w = '';
    for (let n = i + 1; n > 0; n = Math.floor(n / syllables.length)) w += syllables[n % syllables.length];
    return w;
  });
  const realWords = QUESTIONS.flatMap((q) => q.q.toLowerCase().match(/[a-z]+/g) ?? []);
  const zipf = () =>
    Math.min(vocabulary.length - 1, Math.floor(Math.exp(rand() * Math.log(vocabulary.length))) - 1);
  const sentence = () =>
    Array.from({ length: 60 }, () =>
      rand() < 0.1 ? realWords[Math.floor(rand() * realWords.length)] : vocabulary[zipf()],
    ).join(' ');
  const heapBefore = settledHeap();
  const list: Passage[] = [];
  for (let i = 0; i < passages; i++) {
    const text = sentence();
    list.push({
      id: `p${i}`,
      sourceId: 's',
      url: `https://x.example/${i}`,
      title: `Page ${i % 500}`,
      heading: '',
      text,
      vector: unitVector(fakeEmbedding(text, 512)),
    });
  }
  const t0 = performance.now();
  const index = new KnowledgeIndex(list);
  const buildMs = round(performance.now() - t0, 0);
  // What a warm Lambda keeps: the passages with their vectors, and the index over them.
  const heapMb = round((settledHeap() - heapBefore) / 1024 / 1024, 0);
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const question = QUESTIONS[i % QUESTIONS.length]!.q;
    const vector = unitVector(fakeEmbedding(question, 512));
    const s = performance.now();
    index.search(question, { k: 4, queryVector: vector });
    times.push(performance.now() - s);
  }
  if (list.length !== passages) throw new Error('passages went missing');
  times.sort((a, b) => a - b);
  return {
    passages,
    queries,
    p50Ms: round(percentile(times, 50), 2),
    p95Ms: round(percentile(times, 95), 2),
    buildMs,
    heapMb,
  };
}

/** Heap in use after a full collection, so garbage from earlier work does not blur the figure. */
function settledHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}
