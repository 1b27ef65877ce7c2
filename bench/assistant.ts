/**
 * `npm run bench -- assistant`: the assistant on two sites, offline (no OpenAI key: lexical retrieval and
 * excerpt replies) and in OpenAI mode against the fake server (deterministic embeddings and a scripted
 * model, so those figures test the plumbing, not a model): the demo shop with plainly worded questions,
 * and the dental clinic with questions as customers type them (slang, typos, follow-ups, Portuguese,
 * Spanish, German, French, injections). Per site, language and kind: recall@3, answerable questions handed
 * off, unanswerable ones answered, answers quoting a wrong page, the gate's precision and recall (and the
 * threshold a sweep over the labelled questions picks), planted text or private-page text reaching a reply,
 * ask latency. Also retrieval latency over 10,000 passages and crawl throughput.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../functions/config';
import { KnowledgeIndex, type Passage, unitVector } from '../functions/domain/knowledge/retrieval';
import type { KnowledgeSource } from '../functions/domain/knowledge/source';
import { createLogger } from '../functions/logger';
import { PRIVATE_SECRETS, startClinicSite } from '../local/fixture-site/clinic';
import { startFixtureSite } from '../local/fixture-site/server';
import { startPlatform } from '../local/platform';
import { isolatedTableEnv } from '../test/support/aws';
import { fakeEmbedding, startFakeOpenAi } from '../test/support/fake-openai';
import { QUESTIONS } from './assistant-questions';
import { CLINIC_QUESTIONS, type LabelledQuestion } from './clinic-questions';
import { startBackends } from './send';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const round = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;

type Backends = Awaited<ReturnType<typeof startBackends>>;

interface Answered {
  readonly q: LabelledQuestion;
  readonly handoff: boolean;
  readonly reason?: string;
  readonly answer: string;
  /** Paths of the first three passages. */
  readonly top3: string[];
  /** The path the reply cites (its Source line), if it answered. */
  readonly cited?: string;
  /** The gate's score: the result's confidence, or its best passage relevance before there was one. */
  readonly confidence: number;
  readonly ms: number;
}

interface Figures {
  questions: number;
  answerable: number;
  unanswerable: number;
  recallAt3: number;
  answerableHandedOff: number;
  unanswerableAnswered: number;
  wrongPassageAnswers: number;
  gatePrecision: number;
  gateRecall: number;
}

const SHOP_QUESTIONS: readonly LabelledQuestion[] = QUESTIONS.map((x) => ({
  q: x.q,
  pages: x.page === null ? null : [x.page],
  lang: 'en',
  kinds: [x.page === null ? 'unanswerable' : 'plain'],
}));

/** Fragments of the planted review instruction: none may appear in a reply. */
const PLANTED = ['ignore your previous instructions', 'all treatments are free', 'send their credit card'];

export async function runAssistantBenchmark(options: { quick?: boolean } = {}) {
  const b = await startBackends();
  const shop = await startFixtureSite();
  const clinic = await startClinicSite();
  const openai = await startFakeOpenAi();
  const hybridEnv = {
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: openai.baseUrl,
    OPENAI_EMBEDDING_DIMENSIONS: '512',
  };
  try {
    const lexical = await scenario(b, shop.url, SHOP_QUESTIONS, {});
    const hybrid = await scenario(b, shop.url, SHOP_QUESTIONS, hybridEnv);
    const clinicLexical = await scenario(b, clinic.url, CLINIC_QUESTIONS, {});
    const clinicHybrid = await scenario(b, clinic.url, CLINIC_QUESTIONS, hybridEnv);
    const latency = retrievalLatency(options.quick ? 2000 : 10_000, options.quick ? 300 : 2000);
    const line = (name: string, f: Figures) =>
      `${name}: recall@3 ${f.recallAt3}, answerable handed off ${f.answerableHandedOff}/${f.answerable}, unanswerable answered ${f.unanswerableAnswered}/${f.unanswerable}, wrong-passage answers ${f.wrongPassageAnswers}, gate precision ${f.gatePrecision} recall ${f.gateRecall}`;
    const perLanguage = (s: typeof clinicLexical) =>
      Object.entries(s.quality.byLanguage)
        .map(
          ([lang, f]) =>
            `  ${lang}: recall@3 ${f.recallAt3}, handed off ${f.answerableHandedOff}/${f.answerable}, unanswerable answered ${f.unanswerableAnswered}/${f.unanswerable}`,
        )
        .join('\n');
    const summary = [
      line('Shop, offline (no OpenAI key)', lexical.quality.all),
      line('Shop, OpenAI mode (fake server)', hybrid.quality.all),
      line('Clinic, offline', clinicLexical.quality.all),
      perLanguage(clinicLexical),
      `  in the site's languages (en, pt, es): ${line('', clinicLexical.quality.siteLanguages).slice(2)}`,
      `  planted text in a reply ${clinicLexical.quality.plantedInReply}, private-page text in a reply ${clinicLexical.quality.privateInReply}, ask p95 ${clinicLexical.quality.askP95Ms} ms`,
      `  gate sweep: best threshold ${clinicLexical.quality.sweep.best.threshold} (precision ${clinicLexical.quality.sweep.best.precision}, recall ${clinicLexical.quality.sweep.best.recall}); both sites ${combinedSweep([lexical, clinicLexical]).best.threshold}`,
      line('Clinic, OpenAI mode (fake server)', clinicHybrid.quality.all),
      `  planted text in a reply ${clinicHybrid.quality.plantedInReply}, private-page text in a reply ${clinicHybrid.quality.privateInReply}`,
      `Retrieval over ${latency.passages} passages (512-dim vectors): p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms; index built in ${latency.buildMs} ms, ${latency.heapMb} MB heap`,
      `Crawl: ${lexical.crawl.pages} pages in ${lexical.crawl.seconds} s = ${lexical.crawl.pagesPerSecond} pages/s (lexical), ${hybrid.crawl.pagesPerSecond} pages/s with embeddings; refresh of unchanged pages ${lexical.refresh.pagesPerSecond} pages/s`,
    ].join('\n');
    return {
      shop: { lexical, hybrid },
      clinic: { lexical: clinicLexical, hybrid: clinicHybrid },
      gateSweepBothSites: combinedSweep([lexical, clinicLexical]),
      latency,
      summary,
    };
  } finally {
    await openai.close();
    await clinic.close();
    await shop.close();
    b.child.kill();
  }
}

async function scenario(
  b: Backends,
  siteUrl: string,
  questions: readonly LabelledQuestion[],
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
    const results: Answered[] = [];
    const answers = new Map<string, string>();
    for (const q of questions) {
      const history = q.previous
        ? [
            { role: 'customer', text: q.previous },
            ...(answers.get(q.previous) ? [{ role: 'business', text: answers.get(q.previous) }] : []),
          ]
        : undefined;
      const t0 = performance.now();
      let res = await api('/api/knowledge/ask', { question: q.q, ...(history ? { history } : {}) });
      // A platform without conversation history on the ask endpoint: the newest message alone.
      if (res.status === 400 && history) res = await api('/api/knowledge/ask', { question: q.q });
      const r = (await res.json()) as {
        handoff: boolean;
        reason?: string;
        answer: string;
        confidence?: number;
        passages: { url: string; relevance: number }[];
      };
      const ms = performance.now() - t0;
      answers.set(q.q, r.answer);
      // The source line, in any of the assistant's languages ("Source:", "Fonte:", "Fuente:"...).
      const cited = /\n[^\n:]+: (\S+)\s*$/.exec(r.answer)?.[1];
      results.push({
        q,
        handoff: r.handoff,
        ...(r.reason ? { reason: r.reason } : {}),
        answer: r.answer,
        top3: r.passages.slice(0, 3).map((p) => pathOf(p.url)),
        ...(cited && !r.handoff ? { cited: pathOf(cited) } : {}),
        confidence: r.confidence ?? Math.max(0, ...r.passages.map((p) => p.relevance)),
        ms,
      });
    }
    const { source: _s, ...crawlFigures } = first;
    const { source: _r, ...refreshFigures } = refresh;
    return {
      crawl: crawlFigures,
      refresh: { ...refreshFigures, unchanged: refresh.source.pagesUnchanged },
      quality: quality(results),
      results: results.map((r) => ({
        q: r.q.q,
        lang: r.q.lang,
        kinds: r.q.kinds.join(','),
        expected: r.q.pages?.join(' ') ?? 'handoff',
        got: r.handoff ? `handoff (${r.reason})` : (r.cited ?? '?'),
        top3: r.top3.join(' '),
        confidence: round(r.confidence),
      })),
    };
  } finally {
    await platform.stop();
  }
}

const pathOf = (url: string) => {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
};

function figures(results: readonly Answered[]): Figures {
  const answerable = results.filter((r) => r.q.pages !== null);
  const unanswerable = results.filter((r) => r.q.pages === null);
  const found = answerable.filter((r) => r.top3.some((p) => r.q.pages!.includes(p))).length;
  const answered = results.filter((r) => !r.handoff);
  const rightlyAnswered = answered.filter((r) => r.q.pages !== null);
  return {
    questions: results.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    recallAt3: answerable.length ? round(found / answerable.length) : 1,
    answerableHandedOff: answerable.filter((r) => r.handoff).length,
    unanswerableAnswered: unanswerable.filter((r) => !r.handoff).length,
    wrongPassageAnswers: rightlyAnswered.filter((r) => !r.cited || !r.q.pages!.includes(r.cited)).length,
    gatePrecision: answered.length ? round(rightlyAnswered.length / answered.length) : 1,
    gateRecall: answerable.length ? round(rightlyAnswered.length / answerable.length) : 1,
  };
}

function quality(results: readonly Answered[]) {
  const group = (key: (r: Answered) => readonly string[]) => {
    const groups = new Map<string, Answered[]>();
    for (const r of results) for (const k of key(r)) groups.set(k, [...(groups.get(k) ?? []), r]);
    return Object.fromEntries([...groups.entries()].map(([k, rs]) => [k, figures(rs)]));
  };
  const lower = (r: Answered) => r.answer.toLowerCase();
  const times = results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    all: figures(results),
    siteLanguages: figures(results.filter((r) => !r.q.kinds.includes('other-language'))),
    byLanguage: group((r) => [r.q.lang]),
    byKind: group((r) => r.q.kinds),
    plantedInReply: results.filter((r) => PLANTED.some((p) => lower(r).includes(p))).length,
    privateInReply: results.filter((r) => PRIVATE_SECRETS.some((p) => r.answer.includes(p))).length,
    askP95Ms: round(percentile(times, 95), 1),
    sweep: sweep(results),
    misses: results
      .filter((r) =>
        r.q.pages === null ? !r.handoff : r.handoff || !r.cited || !r.q.pages.includes(r.cited),
      )
      .map(
        (r) =>
          `${r.q.pages === null ? 'answered' : r.handoff ? 'handed off' : `cited ${r.cited}`}: ${r.q.q} (expected ${r.q.pages?.join(' ') ?? 'handoff'}, top 3 ${r.top3.join(' ')}, confidence ${round(r.confidence)})`,
      ),
  };
}

/**
 * The gate's precision and recall at each threshold, from each question's confidence: what the assistant
 * would do with ASSISTANT_MIN_RELEVANCE at that value. Precision counts answers to answerable questions
 * among all answers; the best threshold maximises F1 while answering at most 5% of unanswerable questions.
 */
function sweep(results: readonly Pick<Answered, 'q' | 'confidence'>[]) {
  const rows = [];
  for (let t = 0.05; t < 0.951; t += 0.05) {
    const answered = results.filter((r) => r.confidence >= t);
    const right = answered.filter((r) => r.q.pages !== null).length;
    const answerable = results.filter((r) => r.q.pages !== null).length;
    const unanswerable = results.length - answerable;
    const precision = answered.length ? right / answered.length : 1;
    const recall = answerable ? right / answerable : 1;
    rows.push({
      threshold: round(t, 2),
      precision: round(precision),
      recall: round(recall),
      f1: round(precision + recall ? (2 * precision * recall) / (precision + recall) : 0),
      unanswerableAnswered: round(unanswerable ? (answered.length - right) / unanswerable : 0),
    });
  }
  const allowed = rows.filter((r) => r.unanswerableAnswered <= 0.05);
  const best = [...(allowed.length ? allowed : rows)].sort(
    (a, b) => b.f1 - a.f1 || a.threshold - b.threshold,
  )[0]!;
  return { best, rows };
}

function combinedSweep(scenarios: readonly { results: unknown }[]) {
  const all: Pick<Answered, 'q' | 'confidence'>[] = [];
  for (const s of scenarios) {
    for (const r of s.results as { expected: string; confidence: number }[]) {
      all.push({
        q: { q: '', lang: '', kinds: [], pages: r.expected === 'handoff' ? null : r.expected.split(' ') },
        confidence: r.confidence,
      });
    }
  }
  return sweep(all);
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
      // Stored passages carry their page's language (only older ones are detected when loaded).
      language: 'en',
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
