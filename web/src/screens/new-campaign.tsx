import { useEffect, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { api, call } from '../api';
import { ErrorNote, Field, Notice, Select } from '../components/ui';
import { describeRow, type Problem } from '../problems';
import { navigate } from '../router';

type Template = components['schemas']['Template'];
type List = components['schemas']['ContactList'];
type CampaignInput = components['schemas']['CampaignInput'];

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
const zones = (): string[] => {
  const f = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
  return f ? f('timeZone') : [browserZone()];
};

export interface CampaignForm {
  name: string;
  templateId: string;
  audience: 'list' | 'csv';
  listId: string;
  csv: string;
  defaultCountry: string;
  when: 'now' | 'later' | 'recurring';
  sendAt: string;
  timezone: string;
  cron: string;
  quietHours: boolean;
  windowStart: string;
  windowEnd: string;
}

/**
 * The JSON body for a list campaign. A CSV campaign goes as text/csv with its settings in the query, so
 * the server reads the file and reports bad rows by their line; recurring series and quiet hours send
 * to lists (a series needs an audience that still exists at each run).
 */
export function campaignBody(f: CampaignForm): CampaignInput {
  return {
    name: f.name.trim(),
    templateId: f.templateId,
    lists: [f.listId],
    ...(f.defaultCountry ? { defaultCountry: f.defaultCountry.toUpperCase() } : {}),
    ...(f.when === 'later' ? { sendAt: f.sendAt, timezone: f.timezone } : {}),
    ...(f.when === 'recurring' ? { recurrence: { cron: f.cron.trim(), timezone: f.timezone } } : {}),
    ...(f.quietHours ? { sendWindow: { start: f.windowStart, end: f.windowEnd, timezone: f.timezone } } : {}),
  };
}

export function NewCampaign() {
  const [templates, setTemplates] = useState<Template[]>([]);
  const [lists, setLists] = useState<List[]>([]);
  const [form, setForm] = useState<CampaignForm>({
    name: '',
    templateId: '',
    audience: 'list',
    listId: '',
    csv: 'phone,name\n',
    defaultCountry: '',
    when: 'now',
    sendAt: '',
    timezone: browserZone(),
    cron: 'cron(0 9 ? * MON *)',
    quietHours: false,
    windowStart: '09:00',
    windowEnd: '20:00',
  });
  const [problem, setProblem] = useState<Problem>();
  const [loadProblem, setLoadProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const set =
    <K extends keyof CampaignForm>(k: K) =>
    (v: CampaignForm[K]) =>
      setForm((f) => ({ ...f, [k]: v }));

  useEffect(() => {
    void (async () => {
      const [t, l] = await Promise.all([
        call(api.GET('/api/templates', { params: { query: { limit: 100 } } })),
        call(api.GET('/api/lists', { params: { query: { limit: 100 } } })),
      ]);
      if (!t.ok) return setLoadProblem(t.problem);
      if (!l.ok) return setLoadProblem(l.problem);
      setTemplates(t.data.items);
      setLists(l.data.items);
      setForm((f) => ({
        ...f,
        templateId: f.templateId || t.data.items[0]?.id || '',
        listId: f.listId || l.data.items[0]?.id || '',
        audience: l.data.items.length === 0 ? 'csv' : f.audience,
      }));
    })();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const out =
      form.audience === 'csv'
        ? await call(
            api.POST('/api/campaigns', {
              params: {
                query: {
                  name: form.name.trim(),
                  templateId: form.templateId,
                  ...(form.defaultCountry ? { defaultCountry: form.defaultCountry.toUpperCase() } : {}),
                  ...(form.when === 'later' ? { sendAt: form.sendAt, timezone: form.timezone } : {}),
                },
              },
              body: form.csv as never,
              bodySerializer: (b: unknown) => b as string,
              headers: { 'content-type': 'text/csv' },
            }),
          )
        : await call(api.POST('/api/campaigns', { body: campaignBody(form) }));
    if (!out.ok) {
      setBusy(false);
      return setProblem(out.problem);
    }
    // A campaign is created as a draft (or scheduled); "now" starts it straight away.
    if (form.when === 'now') {
      const started = await call(
        api.POST('/api/campaigns/{id}/start', { params: { path: { id: out.data.id } } }),
      );
      if (!started.ok) {
        setBusy(false);
        setProblem({
          ...started.problem,
          message: `The campaign was created but did not start: ${started.problem.message}`,
        });
        return;
      }
    }
    setBusy(false);
    navigate('campaigns', out.data.id);
  };

  const selected = templates.find((t) => t.id === form.templateId);
  return (
    <section>
      <h1>New campaign</h1>
      <ErrorNote problem={loadProblem} />
      {templates.length === 0 && !loadProblem ? (
        <p>
          A campaign sends a template: <a href="#/templates/new">create one first</a>.
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <div class="grid2">
          <div>
            <Field
              label="Name"
              name="name"
              value={form.name}
              onInput={set('name')}
              problem={problem}
              required
            />
            <Select
              label="Template"
              name="templateId"
              value={form.templateId}
              onChange={set('templateId')}
              problem={problem}
              options={templates.map((t) => ({ value: t.id, label: t.name }))}
            />
            {selected ? (
              <p class="muted">
                Variables: {selected.variables.length ? selected.variables.join(', ') : 'none'}
                {selected.whatsapp
                  ? ` · Meta template ${selected.whatsapp.name} (${selected.whatsapp.language})`
                  : ''}
              </p>
            ) : null}
            <fieldset>
              <legend>Who gets it</legend>
              <label>
                <input
                  type="radio"
                  name="audience"
                  checked={form.audience === 'list'}
                  disabled={lists.length === 0}
                  onChange={() => set('audience')('list')}
                />{' '}
                A list
              </label>{' '}
              <label>
                <input
                  type="radio"
                  name="audience"
                  checked={form.audience === 'csv'}
                  onChange={() => set('audience')('csv')}
                />{' '}
                A CSV file
              </label>
            </fieldset>
            {form.audience === 'list' ? (
              <Select
                label="List"
                name="lists"
                value={form.listId}
                onChange={set('listId')}
                problem={problem}
                options={lists.map((l) => ({ value: l.id, label: l.name }))}
              />
            ) : (
              <CsvInput
                value={form.csv}
                onInput={set('csv')}
                problem={problem}
                variables={selected?.variables ?? []}
              />
            )}
            <Field
              label="Default country (optional)"
              name="defaultCountry"
              hint="Two letters, e.g. DE: for numbers written without + and country code."
              value={form.defaultCountry}
              onInput={set('defaultCountry')}
              problem={problem}
            />
          </div>
          <div>
            <fieldset>
              <legend>When</legend>
              {(['now', 'later', 'recurring'] as const).map((w) => (
                <label key={w}>
                  <input
                    type="radio"
                    name="when"
                    checked={form.when === w}
                    disabled={w === 'recurring' && form.audience === 'csv'}
                    onChange={() => set('when')(w)}
                  />{' '}
                  {w === 'now' ? 'Now' : w === 'later' ? 'At a time' : 'Repeating'}{' '}
                </label>
              ))}
            </fieldset>
            {form.when === 'later' ? (
              <Field
                label="Send at"
                name="sendAt"
                type="datetime-local"
                value={form.sendAt}
                onInput={set('sendAt')}
                problem={problem}
              />
            ) : null}
            {form.when === 'recurring' ? (
              <Field
                label="Repeat (EventBridge cron or rate)"
                name="cron"
                apiField="recurrence"
                hint="cron(0 9 ? * MON *) is every Monday at 09:00 in the zone below; rate(1 day) also works."
                value={form.cron}
                onInput={set('cron')}
                problem={problem}
              />
            ) : null}
            {form.when !== 'now' || form.quietHours ? (
              <Field
                label="Time zone"
                name="timezone"
                value={form.timezone}
                onInput={set('timezone')}
                problem={problem}
                input={{ list: 'zones' }}
              />
            ) : null}
            <datalist id="zones">
              {zones().map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            <label>
              <input
                type="checkbox"
                checked={form.quietHours}
                disabled={form.audience === 'csv'}
                onChange={(e) => set('quietHours')((e.currentTarget as HTMLInputElement).checked)}
              />{' '}
              Quiet hours: send only between
            </label>
            {form.quietHours ? (
              <div class="row">
                <Field
                  label="From"
                  name="windowStart"
                  apiField="sendWindow.start"
                  type="time"
                  value={form.windowStart}
                  onInput={set('windowStart')}
                  problem={problem}
                />
                <Field
                  label="Until"
                  name="windowEnd"
                  apiField="sendWindow.end"
                  type="time"
                  value={form.windowEnd}
                  onInput={set('windowEnd')}
                  problem={problem}
                />
              </div>
            ) : null}
            {form.audience === 'csv' ? (
              <p class="muted">
                Repeating campaigns and quiet hours send to a list: import the CSV as a list to use them.
              </p>
            ) : null}
          </div>
        </div>
        <ErrorNote problem={problem} />
        {problem?.rows.length ? <RowProblems problem={problem} /> : null}
        <div class="actions">
          <button class="primary" type="submit" disabled={busy || !form.templateId}>
            {busy ? 'Creating…' : form.when === 'now' ? 'Create and send' : 'Create and schedule'}
          </button>
        </div>
      </form>
      {selected ? <TestSend template={selected} /> : null}
    </section>
  );
}

function CsvInput(props: {
  value: string;
  onInput: (v: string) => void;
  problem?: Problem | undefined;
  variables: readonly string[];
}) {
  return (
    <>
      <Field
        label="Recipients CSV"
        name="csv"
        apiField="recipients"
        multiline
        rows={8}
        hint={`Header phone${props.variables.map((v) => `,${v}`).join('')}; one recipient per line.`}
        value={props.value}
        onInput={props.onInput}
        problem={props.problem}
      />
      <div class="field">
        <label for="csv-file">Or choose a CSV file</label>
        <input
          id="csv-file"
          type="file"
          accept=".csv,text/csv"
          onChange={async (e) => {
            const file = (e.currentTarget as HTMLInputElement).files?.[0];
            if (file) props.onInput(await file.text());
          }}
        />
      </div>
    </>
  );
}

export function RowProblems({ problem }: { problem: Problem }) {
  return (
    <div class="card" role="alert">
      <strong>Fix these lines; nothing was stored:</strong>
      <ul class="rows">
        {problem.rows.map((r) => (
          <li key={r.row}>{describeRow(r)}</li>
        ))}
      </ul>
    </div>
  );
}

/** One message of the template to one number, before sending it to thousands. */
function TestSend({ template }: { template: Template }) {
  const [to, setTo] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem>();
  const [sent, setSent] = useState<string>();
  return (
    <form
      class="card"
      onSubmit={async (e) => {
        e.preventDefault();
        setSent(undefined);
        const out = await call(
          api.POST('/api/messages', { body: { to, templateId: template.id, variables: values } }),
        );
        if (out.ok) {
          setProblem(undefined);
          setSent(`Test message accepted (${(out.data as { status?: string }).status ?? 'queued'}).`);
        } else setProblem(out.problem);
      }}
    >
      <h2>Test send</h2>
      <div class="row">
        <Field label="To (phone number)" name="to" type="tel" value={to} onInput={setTo} problem={problem} />
        {template.variables.map((v) => (
          <Field
            key={v}
            label={v}
            name={`variables.${v}`}
            value={values[v] ?? ''}
            onInput={(x) => setValues((p) => ({ ...p, [v]: x }))}
            problem={problem}
          />
        ))}
      </div>
      <ErrorNote problem={problem} />
      <Notice text={sent} />
      <button type="submit">Send one test message</button>
    </form>
  );
}
