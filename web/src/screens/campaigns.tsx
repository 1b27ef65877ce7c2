import { useEffect, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { api, call } from '../api';
import { ProgressBar, progressPercent } from '../components/progress';
import { ErrorNote, formatTime, Loading } from '../components/ui';
import type { Problem } from '../problems';
import { href } from '../router';

type Campaign = components['schemas']['Campaign'];
/** The list refreshes this often while any campaign on it is moving. */
const LIST_POLL_MS = 5_000;

/** The fresh first page, then the older rows already shown that it does not hold (newest first). */
export function mergeFirstPage(shown: readonly Campaign[], first: readonly Campaign[]): Campaign[] {
  const fresh = new Set(first.map((c) => c.id));
  return [...first, ...shown.filter((c) => !fresh.has(c.id))];
}

export function CampaignsList() {
  const [items, setItems] = useState<Campaign[]>();
  const [cursor, setCursor] = useState<string>();
  const [problem, setProblem] = useState<Problem>();

  const load = async (after?: string) => {
    const out = await call(
      api.GET('/api/campaigns', { params: { query: { limit: 50, ...(after ? { cursor: after } : {}) } } }),
    );
    if (!out.ok) return setProblem(out.problem);
    setProblem(undefined);
    setItems((prev) => (after ? [...(prev ?? []), ...out.data.items] : out.data.items));
    setCursor(out.data.nextCursor);
  };
  useEffect(() => {
    void load();
  }, []);
  const moving = items?.some((c) => c.state === 'running') ?? false;
  // The refresh re-reads the first page only and updates those rows in place, so pages loaded with
  // "More campaigns" stay where they are.
  const refresh = async () => {
    const out = await call(api.GET('/api/campaigns', { params: { query: { limit: 50 } } }));
    if (!out.ok) return setProblem(out.problem);
    setProblem(undefined);
    setItems((prev) => mergeFirstPage(prev ?? [], out.data.items));
  };
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(() => void refresh(), LIST_POLL_MS);
    return () => clearInterval(timer);
  }, [moving]);

  return (
    <section>
      <div class="spread">
        <h1>Campaigns</h1>
        <a class="button-link" href={href('campaigns', 'new')}>
          New campaign
        </a>
      </div>
      <ErrorNote problem={problem} />
      {items === undefined && !problem ? <Loading what="campaigns" /> : null}
      {items?.length === 0 ? (
        <p>No campaigns yet. Create a template, then a campaign that sends it.</p>
      ) : null}
      {items && items.length > 0 ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Progress</th>
                <th class="num">Recipients</th>
                <th class="num optional">Delivered</th>
                <th class="num optional">Read</th>
                <th class="num optional">Failed</th>
                <th class="optional">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={href('campaigns', c.id)}>{c.name}</a>
                  </td>
                  <td>
                    <span class={`badge state-${c.state}`}>{c.state}</span>
                  </td>
                  <td>
                    <ProgressBar counts={c.counts} />
                    <small class="muted">{progressPercent(c.counts)}%</small>
                  </td>
                  <td class="num">{c.counts.total}</td>
                  <td class="num optional">{c.counts.delivered + c.counts.read}</td>
                  <td class="num optional">{c.counts.read}</td>
                  <td class="num optional">{c.counts.failed}</td>
                  <td class="optional">{formatTime(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {cursor ? (
        <button type="button" onClick={() => void load(cursor)}>
          More campaigns
        </button>
      ) : null}
    </section>
  );
}
