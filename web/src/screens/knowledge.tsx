import { useEffect, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { api, call, type Outcome } from '../api';
import { ConfirmButton, ErrorNote, Field, formatTime, Loading, Notice, Select } from '../components/ui';
import { useAction } from '../components/use-action';
import type { Problem } from '../problems';
import { href, navigate } from '../router';

type Source = components['schemas']['KnowledgeSource'];
type AskResult = components['schemas']['AskResult'];

const POLL_MS = 2000;

/** Queued sources are about to be crawled, so they are watched like crawling ones. */
const inProgress = (s: Source) => s.state === 'queued' || s.state === 'crawling';

const HANDOFF_REASONS: Record<NonNullable<AskResult['reason']>, string> = {
  no_relevant_passage: 'no passage in the knowledge base is close enough to the question',
  model_cannot_answer: 'the model could not answer from the passages it was given',
  reply_rejected: "the model's reply linked somewhere other than the website, so it was not sent",
  customer_asked: 'the question asks for a person',
};

/**
 * Loads once per `key` and again every 2 s while `busy` says the answer is still changing. A failed poll
 * keeps the last good data on screen beside the error instead of blanking the page.
 */
function usePolled<T>(load: () => Promise<Outcome<T>>, key: string, busy: (data: T) => boolean) {
  const [data, setData] = useState<T>();
  const [problem, setProblem] = useState<Problem>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      const out = await load();
      if (!current) return;
      if (!out.ok) return setProblem(out.problem);
      setProblem(undefined);
      setData(out.data);
      if (busy(out.data)) timer = setTimeout(run, POLL_MS);
    };
    void run();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, tick]);
  useEffect(() => setData(undefined), [key]);
  return { data, problem, reload: () => setTick((t) => t + 1) };
}

export function KnowledgeScreen({ id }: { id?: string }) {
  return id ? <SourcePage id={id} /> : <Overview />;
}

function Overview() {
  const sources = usePolled(
    () => call(api.GET('/api/knowledge/sources')),
    'sources',
    (d) => d.items.some(inProgress),
  );
  const [actionProblem, setActionProblem] = useState<Problem>();
  const act = async (request: Promise<Outcome<unknown>>) => {
    const out = await request;
    setActionProblem(out.ok ? undefined : out.problem);
    sources.reload();
  };
  const items = sources.data?.items;
  return (
    <>
      <h1>Knowledge</h1>
      <p class="muted">What the assistant answers customers from: crawled websites and documents you add.</p>
      <Ask />
      <h2>Sources</h2>
      <ErrorNote problem={sources.problem} />
      <ErrorNote problem={actionProblem} />
      {!items ? (
        sources.problem ? null : (
          <Loading what="the sources" />
        )
      ) : items.length === 0 ? (
        <p class="muted">No sources yet. Add a website or a document below.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Source</th>
                <th>State</th>
                <th class="num">Found</th>
                <th class="num">Indexed</th>
                <th class="num optional">Unchanged</th>
                <th class="num optional">Skipped</th>
                <th class="num optional">Chunks</th>
                <th class="optional">Crawled</th>
                <th>
                  <span class="muted">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <a href={href('knowledge', s.id)}>{sourceName(s)}</a>
                    {s.kind === 'document' ? <span class="muted"> (document)</span> : null}
                  </td>
                  <td>
                    <StateBadge source={s} />
                  </td>
                  <td class="num">{s.pagesFound}</td>
                  <td class="num">{s.pagesIndexed}</td>
                  <td class="num optional">{s.pagesUnchanged}</td>
                  <td class="num optional">{s.pagesSkipped}</td>
                  <td class="num optional">{s.chunks}</td>
                  <td class="optional">{formatTime(s.crawledAt)}</td>
                  <td>
                    <SourceActions
                      source={s}
                      onRefresh={() => act(refresh(s.id))}
                      onDelete={() => act(remove(s.id))}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="grid2">
        <AddWebsite onAdded={sources.reload} />
        <AddDocument onAdded={sources.reload} />
      </div>
    </>
  );
}

const sourceName = (s: Source) => s.title || s.url || s.id;
const refresh = (id: string) =>
  call(api.POST('/api/knowledge/sources/{id}/refresh', { params: { path: { id } } }));
const remove = (id: string) => call(api.DELETE('/api/knowledge/sources/{id}', { params: { path: { id } } }));

function StateBadge({ source }: { source: Source }) {
  return (
    <span class={`badge state-${source.state === 'crawling' ? 'running' : source.state}`}>
      {source.state}
    </span>
  );
}

function SourceActions(props: {
  source: Source;
  onRefresh: () => void;
  onDelete: () => void | Promise<void>;
}) {
  const name = sourceName(props.source);
  return (
    <span class="actions" style={{ margin: 0 }}>
      {props.source.kind === 'website' ? (
        <button
          type="button"
          onClick={props.onRefresh}
          disabled={inProgress(props.source)}
          aria-label={`Refresh ${name}`}
        >
          Refresh
        </button>
      ) : null}
      <ConfirmButton
        label="Delete"
        question={`Delete ${name} and everything indexed from it?`}
        confirmLabel="Delete"
        danger
        onConfirm={props.onDelete}
      />
    </span>
  );
}

function SourcePage({ id }: { id: string }) {
  const source = usePolled(
    () => call(api.GET('/api/knowledge/sources/{id}', { params: { path: { id } } })),
    id,
    inProgress,
  );
  const [actionProblem, setActionProblem] = useState<Problem>();
  const s = source.data;
  return (
    <>
      <p>
        <a href={href('knowledge')}>← Knowledge</a>
      </p>
      <h1>{s ? sourceName(s) : 'Knowledge source'}</h1>
      {source.problem?.status === 404 ? (
        <p class="muted">There is no knowledge source {id}; it may have been deleted.</p>
      ) : (
        <ErrorNote problem={source.problem} />
      )}
      <ErrorNote problem={actionProblem} />
      {!s ? (
        source.problem ? null : (
          <Loading what="the source" />
        )
      ) : (
        <>
          <p role="status">
            <StateBadge source={s} /> {inProgress(s) ? 'Crawling; this page updates every 2 seconds.' : ''}
            {s.crawledAt ? ` Last crawled ${formatTime(s.crawledAt)}.` : ''}
          </p>
          {s.url ? (
            <p>
              <a href={s.url} target="_blank" rel="noopener noreferrer">
                {s.url}
              </a>
              {s.kind === 'website' ? (
                <span class="muted">
                  {' '}
                  (up to {s.maxPages} pages, {s.maxDepth} links deep)
                </span>
              ) : null}
            </p>
          ) : null}
          <div class="counts">
            {(
              [
                [s.pagesFound, 'found'],
                [s.pagesIndexed, 'indexed'],
                [s.pagesUnchanged, 'unchanged'],
                [s.pagesSkipped, 'skipped'],
                [s.chunks, 'chunks'],
              ] as const
            ).map(([n, what]) => (
              <div key={what}>
                <b>{n}</b> {what}
              </div>
            ))}
          </div>
          <SourceActions
            source={s}
            onRefresh={async () => {
              const out = await refresh(s.id);
              setActionProblem(out.ok ? undefined : out.problem);
              source.reload();
            }}
            onDelete={async () => {
              const out = await remove(s.id);
              if (out.ok) navigate('knowledge');
              else setActionProblem(out.problem);
            }}
          />
          {s.errors.length ? (
            <>
              <h2>Errors</h2>
              <ul class="rows">
                {s.errors.map((e, i) => (
                  <li key={i} class="field-error">
                    {e}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h2>Skipped pages</h2>
          {s.skipped.length === 0 ? (
            <p class="muted">No page was skipped.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Page</th>
                    <th>Why it was skipped</th>
                  </tr>
                </thead>
                <tbody>
                  {s.skipped.map((p, i) => (
                    <tr key={`${p.url}-${i}`}>
                      <td style={{ wordBreak: 'break-all' }}>{p.url}</td>
                      <td>{p.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p class="muted">
            Added {formatTime(s.createdAt)}, changed {formatTime(s.updatedAt)}.
          </p>
        </>
      )}
    </>
  );
}

/** Empty means "the API's default"; anything else must be a whole number for the API to take it. */
function optionalInt(value: string): number | undefined {
  return value.trim() === '' ? undefined : Number(value);
}

function AddWebsite({ onAdded }: { onAdded: () => void }) {
  const [url, setUrl] = useState('');
  const [maxPages, setMaxPages] = useState('');
  const [maxDepth, setMaxDepth] = useState('');
  const { busy, problem, run } = useAction();
  const [added, setAdded] = useState<string>();
  return (
    <form
      class="card"
      onSubmit={async (e) => {
        e.preventDefault();
        setAdded(undefined);
        const body = { url: url.trim(), maxPages: optionalInt(maxPages), maxDepth: optionalInt(maxDepth) };
        const source = await run(() => call(api.POST('/api/knowledge/sources', { body })));
        if (!source) return;
        setAdded(`${sourceName(source)} is queued for crawling.`);
        setUrl('');
        onAdded();
      }}
    >
      <h2>Add a website</h2>
      <Field
        label="Website address"
        name="url"
        type="url"
        hint="For example https://example.com/help"
        value={url}
        onInput={setUrl}
        problem={problem}
        required
      />
      <div class="row">
        <Field
          label="Most pages"
          name="maxPages"
          type="number"
          hint="1 to 1000; 100 if left empty."
          input={{ inputMode: 'numeric' }}
          value={maxPages}
          onInput={setMaxPages}
          problem={problem}
        />
        <Field
          label="Most links deep"
          name="maxDepth"
          type="number"
          hint="0 to 10; 3 if left empty."
          input={{ inputMode: 'numeric' }}
          value={maxDepth}
          onInput={setMaxDepth}
          problem={problem}
        />
      </div>
      <ErrorNote problem={problem} />
      <Notice text={added} />
      <button type="submit" class="primary" disabled={busy}>
        Add the website
      </button>
    </form>
  );
}

const FORMATS = [
  { value: 'text', label: 'Plain text' },
  { value: 'markdown', label: 'Markdown' },
  { value: 'html', label: 'HTML' },
] as const;
type Format = (typeof FORMATS)[number]['value'];

function AddDocument({ onAdded }: { onAdded: () => void }) {
  const [title, setTitle] = useState('');
  const [content, setContent] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<Format>('text');
  const { busy, problem, run } = useAction();
  const [added, setAdded] = useState<string>();
  return (
    <form
      class="card"
      onSubmit={async (e) => {
        e.preventDefault();
        setAdded(undefined);
        const body = { title, content, format, url: url.trim() || undefined };
        const doc = await run(() => call(api.POST('/api/knowledge/documents', { body })));
        if (!doc) return;
        setAdded(`“${sourceName(doc)}” was added (${doc.chunks} chunks).`);
        setTitle('');
        setContent('');
        setUrl('');
        onAdded();
      }}
    >
      <h2>Add a document</h2>
      <Field label="Title" name="title" value={title} onInput={setTitle} problem={problem} required />
      <Field
        label="Text"
        name="content"
        multiline
        rows={8}
        value={content}
        onInput={setContent}
        problem={problem}
        required
      />
      <Select
        label="Format"
        name="format"
        value={format}
        options={FORMATS}
        onChange={(v) => setFormat(v as Format)}
        problem={problem}
      />
      <Field
        label="Link (optional)"
        name="url"
        type="url"
        hint="Where customers can read the whole document; quoted with answers from it."
        value={url}
        onInput={setUrl}
        problem={problem}
      />
      <ErrorNote problem={problem} />
      <Notice text={added} />
      <button type="submit" class="primary" disabled={busy}>
        Add the document
      </button>
    </form>
  );
}

/** Asks what a customer would, to see what the assistant would answer and from which passages. */
function Ask() {
  const [question, setQuestion] = useState('');
  const { busy, problem, run } = useAction();
  const [result, setResult] = useState<AskResult>();
  return (
    <section class="card" aria-labelledby="ask-heading">
      <h2 id="ask-heading">Ask</h2>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const answer = await run(() => call(api.POST('/api/knowledge/ask', { body: { question } })));
          if (answer) setResult(answer);
        }}
      >
        <Field
          label="Question"
          name="question"
          value={question}
          onInput={setQuestion}
          problem={problem}
          required
        />
        <ErrorNote problem={problem} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Asking…' : 'Ask'}
        </button>
      </form>
      {result ? <AskAnswer result={result} /> : null}
    </section>
  );
}

function AskAnswer({ result }: { result: AskResult }) {
  return (
    <div aria-live="polite">
      <h3>Answer</h3>
      <p class="bubble">{result.answer}</p>
      <p>
        {result.handoff
          ? `Handed off to a person${result.reason ? `: ${HANDOFF_REASONS[result.reason]}` : ''}.`
          : 'Not handed off.'}{' '}
        Answered by {result.answeredBy === 'model' ? 'the model' : 'an excerpt of a passage'}, in{' '}
        {result.language}; confidence {result.confidence.toFixed(2)}
        {result.followUp ? ', read with the previous message' : ''}.
      </p>
      <h3>Passages</h3>
      {result.passages.length === 0 ? (
        <p class="muted">No passage was used.</p>
      ) : (
        <ol>
          {result.passages.map((p, i) => (
            <li key={`${p.url}-${i}`}>
              <p>
                {p.url ? (
                  <a href={p.url} target="_blank" rel="noopener noreferrer">
                    {p.title || p.url}
                  </a>
                ) : (
                  <strong>{p.title}</strong>
                )}
                {p.heading ? ` › ${p.heading}` : ''}{' '}
                <span class="muted">
                  (score {p.score.toFixed(3)}, relevance {p.relevance.toFixed(3)})
                </span>
              </p>
              <p class="muted" style={{ whiteSpace: 'pre-wrap' }}>
                {p.text}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
