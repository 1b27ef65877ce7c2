import { useEffect, useRef, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { api, call } from '../api';
import { type Analytics, CampaignResults } from '../components/campaign-results';
import { ProgressBar, progressPercent } from '../components/progress';
import { TimelineChart } from '../components/timeline-chart';
import { ConfirmButton, ErrorNote, formatTime, Loading, Notice } from '../components/ui';
import type { Problem } from '../problems';
import { href } from '../router';

type Campaign = components['schemas']['Campaign'];
type Recipient = components['schemas']['Recipient'];
type Point = components['schemas']['TimelinePoint'];

/** While a campaign moves, its counts refresh this often, and the chart every second tick. */
export const POLL_MS = 1_500;
const LIVE_STATES = new Set(['running', 'scheduled']);
const STATUSES = ['queued', 'sent', 'delivered', 'read', 'failed', 'skipped'] as const;

function listRecipients(id: string, status?: (typeof STATUSES)[number], cursor?: string) {
  return call(
    api.GET('/api/campaigns/{id}/recipients', {
      params: {
        path: { id },
        query: { limit: 50, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) },
      },
    }),
  );
}

export function CampaignPage({ id }: { id: string }) {
  const [campaign, setCampaign] = useState<Campaign>();
  const [points, setPoints] = useState<Point[]>([]);
  const [figures, setFigures] = useState<Analytics>();
  const [figuresProblem, setFiguresProblem] = useState<Problem>();
  const [problem, setProblem] = useState<Problem>();
  const [actionProblem, setActionProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const tick = useRef(0);

  const loadCampaign = async () => {
    const out = await call(api.GET('/api/campaigns/{id}', { params: { path: { id } } }));
    if (out.ok) {
      setCampaign(out.data);
      setProblem(undefined);
    } else setProblem(out.problem);
    return out.ok ? out.data : undefined;
  };
  /** The chart and the results change together; both are counters, cheap to read. */
  const loadTimeline = async () => {
    const [timeline, analytics] = await Promise.all([
      call(api.GET('/api/campaigns/{id}/timeline', { params: { path: { id } } })),
      call(api.GET('/api/campaigns/{id}/analytics', { params: { path: { id } } })),
    ]);
    if (timeline.ok) setPoints(timeline.data.items);
    if (analytics.ok) {
      setFigures(analytics.data);
      setFiguresProblem(undefined);
    } else setFiguresProblem(analytics.problem);
  };
  useEffect(() => {
    void loadCampaign();
    void loadTimeline();
  }, [id]);
  const live = campaign ? LIVE_STATES.has(campaign.state) : false;
  useEffect(() => {
    if (!live) return;
    let failures = 0;
    const timer = setInterval(async () => {
      tick.current += 1;
      const c = await loadCampaign();
      // Three failed polls in a row (the platform down, the campaign gone): stop and leave the error shown.
      failures = c ? 0 : failures + 1;
      if (failures >= 3) clearInterval(timer);
      // The chart changes with the counts; the last tick after the campaign stops catches its tail.
      if (tick.current % 2 === 0 || (c && !LIVE_STATES.has(c.state))) await loadTimeline();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [live, id]);

  if (problem && !campaign) return <ErrorNote problem={problem} />;
  if (!campaign) return <Loading what="the campaign" />;

  const act = async (action: 'start' | 'pause' | 'resume' | 'cancel' | 'retry' | 'recount', done: string) => {
    setActionProblem(undefined);
    setNotice(undefined);
    const out = await call(api.POST(`/api/campaigns/{id}/${action}`, { params: { path: { id } } }));
    if (!out.ok) return setActionProblem(out.problem);
    setCampaign(out.data as Campaign);
    setNotice(
      action === 'retry'
        ? `${done}: ${(out.data as { requeued: number }).requeued} recipients queued again.`
        : `${done}.`,
    );
    void loadTimeline();
  };
  const c = campaign;
  return (
    <section>
      <p>
        <a href={href('campaigns')}>← Campaigns</a>
      </p>
      <div class="spread">
        <h1>{c.name}</h1>
        <span class={`badge state-${c.state}`} aria-live="polite">
          {c.state}
        </span>
      </div>
      <p class="muted">
        Template <a href={href('templates', c.template.id)}>{c.template.name}</a> (version{' '}
        {c.template.version}){c.sendAtLocal ? ` · starts ${c.sendAtLocal}` : ''}
        {c.recurrence
          ? ` · repeats ${c.recurrence.expression} (${c.recurrence.timezone}), next ${formatTime(c.nextRunAt)}`
          : ''}
        {c.sendWindow
          ? ` · quiet hours outside ${c.sendWindow.start}–${c.sendWindow.end} ${c.sendWindow.timezone}`
          : ''}
      </p>
      {c.pauseReason ? <p class="error">Paused: {c.pauseReason}</p> : null}
      {c.usMarketingSkips ? (
        <p class="notice" data-testid="us-marketing">
          {c.usMarketingSkips} recipients have United States numbers: Meta does not deliver marketing
          templates there, so they are skipped.
        </p>
      ) : null}
      {c.waiting > 0 ? (
        <p class="notice">
          {c.waiting} recipients wait for quiet hours to end; the next go at {formatTime(c.nextReleaseAt)}.
        </p>
      ) : null}

      <div class="card">
        <div class="spread">
          <strong>{progressPercent(c.counts)}% processed</strong>
          <span class="muted">
            {live ? 'Updating live' : c.completedAt ? `Completed ${formatTime(c.completedAt)}` : ''}
          </span>
        </div>
        <ProgressBar counts={c.counts} />
        <div class="counts" aria-live="polite" data-testid="counts">
          {(['total', ...STATUSES] as const).map((k) => (
            <div key={k}>
              <b data-count={k}>{c.counts[k]}</b>
              {k}
            </div>
          ))}
        </div>
      </div>

      <div class="actions">
        {c.state === 'draft' || c.state === 'scheduled' ? (
          <ConfirmButton
            label="Start now"
            question="Start sending now?"
            confirmLabel="Yes, start"
            onConfirm={() => act('start', 'Started')}
          />
        ) : null}
        {c.state === 'running' ? (
          <ConfirmButton
            label="Pause"
            question="Pause sending?"
            confirmLabel="Yes, pause"
            onConfirm={() => act('pause', 'Paused')}
          />
        ) : null}
        {c.state === 'paused' ? (
          <ConfirmButton
            label="Resume"
            question="Resume sending?"
            confirmLabel="Yes, resume"
            onConfirm={() => act('resume', 'Resumed')}
          />
        ) : null}
        {['draft', 'scheduled', 'running', 'paused'].includes(c.state) ? (
          <ConfirmButton
            label="Cancel campaign"
            question="Cancel it? Recipients not yet sent are never sent."
            confirmLabel="Yes, cancel"
            danger
            onConfirm={() => act('cancel', 'Cancelled')}
          />
        ) : null}
        {c.counts.failed > 0 && ['completed', 'paused', 'cancelled'].includes(c.state) ? (
          <ConfirmButton
            label="Retry failed"
            question={`Send again to the ${c.counts.failed} failed recipients whose error can be retried?`}
            confirmLabel="Yes, retry"
            onConfirm={() => act('retry', 'Retrying')}
          />
        ) : null}
        <ConfirmButton
          label="Recount"
          question="Recount every recipient's status?"
          confirmLabel="Yes, recount"
          onConfirm={() => act('recount', 'Recounted')}
        />
      </div>
      <ErrorNote problem={actionProblem} />
      <Notice text={notice} />

      <h2>Over time</h2>
      <TimelineChart points={points} />

      {figures ? <CampaignResults figures={figures} series={Boolean(c.recurrence)} /> : null}
      {figuresProblem ? (
        <ErrorNote problem={`The results could not be read: ${figuresProblem.message}`} />
      ) : null}
      {/* The first page follows the campaign every other tick while it runs (like the chart). */}
      <Recipients id={id} refresh={live ? Math.floor(tick.current / 2) : c.counts.total - c.counts.queued} />
    </section>
  );
}

function Recipients({ id, refresh }: { id: string; refresh: number }) {
  const [status, setStatus] = useState<(typeof STATUSES)[number] | ''>('');
  const [pages, setPages] = useState<string[]>([]);
  const [page, setPage] = useState<{ items: Recipient[]; nextCursor?: string }>();
  const [problem, setProblem] = useState<Problem>();
  const cursor = pages[pages.length - 1];
  useEffect(() => {
    void (async () => {
      const out = await listRecipients(id, status || undefined, cursor);
      if (out.ok) {
        setPage(out.data);
        setProblem(undefined);
      } else setProblem(out.problem);
    })();
    // A first page refreshes as recipients move; later pages stay put while being read.
  }, [id, status, cursor, pages.length === 0 ? refresh : 0]);
  return (
    <>
      <h2>Recipients</h2>
      <div class="row">
        <div class="field">
          <label for="recipient-status">Status</label>
          <select
            id="recipient-status"
            value={status}
            onChange={(e) => {
              setStatus((e.currentTarget as HTMLSelectElement).value as typeof status);
              setPages([]);
            }}
          >
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNote problem={problem} />
      {page ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Recipient</th>
                <th>Status</th>
                <th class="optional">Updated</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {page.items.length === 0 ? (
                <tr>
                  <td colSpan={4} class="muted">
                    No recipients {status ? `are ${status}` : 'yet'}.
                  </td>
                </tr>
              ) : null}
              {page.items.map((r) => (
                <tr key={r.phone}>
                  <td>
                    <a href={href('contacts', r.phone)}>{r.phone}</a>
                  </td>
                  <td>
                    <span class={`badge status-${r.status}`}>{r.status}</span>
                  </td>
                  <td class="optional">{formatTime(r.updatedAt)}</td>
                  <td>
                    {r.lastError ? `${r.lastError.code ?? ''} ${r.lastError.title}` : ''}
                    {r.skipReason ? `skipped: ${r.skipReason}` : ''}
                    {r.deferredUntil ? `waits until ${formatTime(r.deferredUntil)}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div class="actions">
        {pages.length > 0 ? (
          <button type="button" onClick={() => setPages(pages.slice(0, -1))}>
            Previous page
          </button>
        ) : null}
        {page?.nextCursor ? (
          <button type="button" onClick={() => setPages([...pages, page.nextCursor!])}>
            Next page
          </button>
        ) : null}
      </div>
    </>
  );
}
