import { useEffect, useMemo, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { api, call } from '../api';
import { ConfirmButton, ErrorNote, Field, formatTime, Loading, Notice, Select } from '../components/ui';
import { fieldProblem, type Problem } from '../problems';
import { href, navigate } from '../router';
import { checkDraft, definitionOf, draftOf, EMPTY_DRAFT, type TemplateDraft } from '../template-draft';

type Template = components['schemas']['Template'];

export function TemplatesScreen({ id }: { id?: string }) {
  if (id) return <TemplateEditor id={id === 'new' ? undefined : id} />;
  return <TemplateList />;
}

function TemplateList() {
  const [items, setItems] = useState<Template[]>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    void (async () => {
      const out = await call(api.GET('/api/templates', { params: { query: { limit: 100 } } }));
      if (out.ok) setItems(out.data.items);
      else setProblem(out.problem);
    })();
  }, []);
  return (
    <section>
      <div class="spread">
        <h1>Templates</h1>
        <a class="button-link" href={href('templates', 'new')}>
          New template
        </a>
      </div>
      <ErrorNote problem={problem} />
      {!items && !problem ? <Loading what="templates" /> : null}
      {items?.length === 0 ? <p>No templates yet.</p> : null}
      {items?.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>Category</th>
                <th>Variables</th>
                <th class="optional">Meta template</th>
                <th class="optional">Updated</th>
              </tr>
            </thead>
            <tbody>
              {items.map((t) => (
                <tr key={t.id}>
                  <td>
                    <a href={href('templates', t.id)}>{t.name}</a>
                  </td>
                  <td>{t.category ?? 'utility'}</td>
                  <td>{t.variables.join(', ') || '—'}</td>
                  <td class="optional">{t.whatsapp ? `${t.whatsapp.name} (${t.whatsapp.language})` : '—'}</td>
                  <td class="optional">{formatTime(t.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function TemplateEditor({ id }: { id?: string }) {
  const [draft, setDraft] = useState<TemplateDraft>(EMPTY_DRAFT);
  const [loaded, setLoaded] = useState<Template>();
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem>();
  const [saved, setSaved] = useState<string>();
  useEffect(() => {
    if (!id) return;
    void (async () => {
      const out = await call(api.GET('/api/templates/{id}', { params: { path: { id } } }));
      if (!out.ok) return setProblem(out.problem);
      setLoaded(out.data);
      setDraft(draftOf(out.data as never));
    })();
  }, [id]);
  const set =
    <K extends keyof TemplateDraft>(k: K) =>
    (v: TemplateDraft[K]) => {
      setSaved(undefined);
      setDraft((d) => ({ ...d, [k]: v }));
    };
  const check = useMemo(() => checkDraft(draft, samples), [draft, samples]);
  // The server's answer wins for a field it named; otherwise the live check of the same code speaks.
  const fieldError = (field: string) => fieldProblem(problem, field) ?? check.problems[field];
  const shown: Problem = {
    code: 'draft',
    message: '',
    status: 0,
    rows: [],
    fields: { ...check.problems, ...(problem?.fields ?? {}) },
  };

  if (id && !loaded && !problem) return <Loading what="the template" />;
  return (
    <section>
      <p>
        <a href={href('templates')}>← Templates</a>
      </p>
      <h1>{id ? `Template ${loaded?.name ?? ''}` : 'New template'}</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          // The domain's definition is the API's TemplateInput with readonly arrays.
          const body = definitionOf(draft) as components['schemas']['TemplateInput'];
          const out = id
            ? await call(api.PUT('/api/templates/{id}', { params: { path: { id } }, body }))
            : await call(api.POST('/api/templates', { body }));
          if (!out.ok) return setProblem(out.problem);
          setProblem(undefined);
          setLoaded(out.data);
          setSaved(`Saved as version ${out.data.version}.`);
          if (!id) navigate('templates', out.data.id);
        }}
      >
        <div class="grid2">
          <div>
            <Field
              label="Name"
              name="name"
              value={draft.name}
              onInput={set('name')}
              problem={shown}
              required
            />
            <Field
              label="Message"
              name="body"
              multiline
              rows={6}
              hint="Write {{name}} where a recipient's value goes."
              value={draft.body}
              onInput={set('body')}
              problem={shown}
            />
            <p class="muted" aria-live="polite">
              Variables: {check.variables.length ? check.variables.join(', ') : 'none'}
            </p>
            <Select
              label="Category"
              name="category"
              value={draft.category}
              onChange={(v) => set('category')(v as TemplateDraft['category'])}
              problem={shown}
              options={[
                { value: 'utility', label: 'Utility (updates about an order or account)' },
                { value: 'marketing', label: 'Marketing (needs a Meta template)' },
                { value: 'authentication', label: 'Authentication (codes)' },
              ]}
            />
            {check.variables.length ? (
              <fieldset>
                <legend>Default values (used when a recipient has none)</legend>
                {check.variables.map((v) => (
                  <Field
                    key={v}
                    label={v}
                    name={`defaults.${v}`}
                    value={draft.defaults[v] ?? ''}
                    onInput={(x) => set('defaults')({ ...draft.defaults, [v]: x })}
                    problem={shown}
                  />
                ))}
              </fieldset>
            ) : null}
            <MediaFields draft={draft} set={set} problem={shown} />
            <ButtonFields draft={draft} set={set} problem={shown} />
            <MetaFields draft={draft} set={set} problem={shown} />
          </div>
          <div>
            <h2>Preview</h2>
            {check.variables.length ? (
              <fieldset>
                <legend>Sample values</legend>
                {check.variables.map((v) => (
                  <Field
                    key={v}
                    label={`Sample ${v}`}
                    name={`sample.${v}`}
                    value={samples[v] ?? ''}
                    onInput={(x) => setSamples((s) => ({ ...s, [v]: x }))}
                  />
                ))}
              </fieldset>
            ) : null}
            <Preview check={check} draft={draft} />
          </div>
        </div>
        <ErrorNote problem={problem} />
        {fieldError('whatsapp') ? <p class="field-error">{fieldError('whatsapp')}</p> : null}
        <Notice text={saved} />
        <div class="actions">
          <button class="primary" type="submit">
            {id ? 'Save a new version' : 'Create template'}
          </button>
          {id ? (
            <ConfirmButton
              label="Delete"
              danger
              question="Delete this template? Campaigns already created keep their copy."
              confirmLabel="Yes, delete"
              onConfirm={async () => {
                const out = await call(api.DELETE('/api/templates/{id}', { params: { path: { id } } }));
                if (out.ok) navigate('templates');
                else setProblem(out.problem);
              }}
            />
          ) : null}
        </div>
      </form>
    </section>
  );
}

type Setter = <K extends keyof TemplateDraft>(k: K) => (v: TemplateDraft[K]) => void;

function MediaFields({ draft, set, problem }: { draft: TemplateDraft; set: Setter; problem: Problem }) {
  return (
    <fieldset>
      <legend>Media</legend>
      <Select
        label="Attachment"
        name="media.type"
        value={draft.mediaType}
        onChange={(v) => set('mediaType')(v as TemplateDraft['mediaType'])}
        problem={problem}
        options={[
          { value: '', label: 'None' },
          { value: 'image', label: 'Image' },
          { value: 'document', label: 'Document' },
        ]}
      />
      {draft.mediaType ? (
        <>
          <Field
            label="Media URL (https)"
            name="media.url"
            type="url"
            value={draft.mediaUrl}
            onInput={set('mediaUrl')}
            problem={problem}
          />
          <Field
            label="Caption (optional; the message by default)"
            name="media.caption"
            value={draft.mediaCaption}
            onInput={set('mediaCaption')}
            problem={problem}
          />
          {draft.mediaType === 'document' ? (
            <Field
              label="File name"
              name="media.filename"
              value={draft.mediaFilename}
              onInput={set('mediaFilename')}
              problem={problem}
            />
          ) : null}
        </>
      ) : null}
    </fieldset>
  );
}

function ButtonFields({ draft, set, problem }: { draft: TemplateDraft; set: Setter; problem: Problem }) {
  return (
    <fieldset>
      <legend>Quick-reply buttons (up to 3)</legend>
      {draft.buttons.map((b, i) => (
        <div class="row" key={i}>
          <Field
            label={`Button ${i + 1}`}
            name={`buttons.${i}.title`}
            value={b}
            onInput={(v) => set('buttons')(draft.buttons.map((x, j) => (j === i ? v : x)))}
            problem={problem}
            input={{ maxLength: 20 }}
          />
          <button type="button" onClick={() => set('buttons')(draft.buttons.filter((_, j) => j !== i))}>
            Remove button {i + 1}
          </button>
        </div>
      ))}
      {draft.buttons.length < 3 ? (
        <button type="button" onClick={() => set('buttons')([...draft.buttons, ''])}>
          Add a button
        </button>
      ) : null}
    </fieldset>
  );
}

function MetaFields({ draft, set, problem }: { draft: TemplateDraft; set: Setter; problem: Problem }) {
  return (
    <fieldset>
      <legend>Meta-approved template (needed for marketing, and outside the 24-hour window)</legend>
      <div class="row">
        <Field
          label="Meta template name"
          name="whatsapp.name"
          value={draft.metaName}
          onInput={set('metaName')}
          problem={problem}
        />
        <Field
          label="Language"
          name="whatsapp.language"
          value={draft.metaLanguage}
          onInput={set('metaLanguage')}
          problem={problem}
        />
      </div>
      <Select
        label="Parameters"
        name="whatsapp.parameterFormat"
        value={draft.metaFormat}
        onChange={(v) => set('metaFormat')(v as TemplateDraft['metaFormat'])}
        problem={problem}
        options={[
          { value: 'positional', label: 'Positional ({{1}}, {{2}}, …)' },
          { value: 'named', label: 'Named ({{first_name}})' },
        ]}
      />
      <Field
        label="Variables for the body parameters, in order"
        name="whatsapp.body"
        hint="Comma-separated, e.g. name, order"
        value={draft.metaBody}
        onInput={set('metaBody')}
        problem={problem}
      />
    </fieldset>
  );
}

function Preview({ check, draft }: { check: ReturnType<typeof checkDraft>; draft: TemplateDraft }) {
  const p = check.preview;
  if (!p) return <p class="error">Fix the placeholders to see a preview.</p>;
  if (!p.ok)
    return (
      <p class="muted">
        {p.code === 'missing_variables' ? `Fill in sample values: ${p.message}` : p.message}
      </p>
    );
  const buttons = draft.buttons.map((b) => b.trim()).filter(Boolean);
  return (
    <>
      <div class="bubble" data-testid="preview-text">
        {draft.mediaType === 'image' && draft.mediaUrl ? (
          <div class="muted">[image: {draft.mediaUrl}]</div>
        ) : null}
        {draft.mediaType === 'document' ? (
          <div class="muted">[document: {draft.mediaFilename || draft.mediaUrl}]</div>
        ) : null}
        {p.text}
        {buttons.length ? (
          <div class="buttons">
            {buttons.map((b) => (
              <span key={b}>{b}</span>
            ))}
          </div>
        ) : null}
      </div>
      <h2>Graph API payload</h2>
      <pre class="payload" data-testid="preview-payload">
        {JSON.stringify(p.payload, null, 2)}
      </pre>
      {p.metaTemplatePayload ? (
        <>
          <h2>As the Meta template (outside the 24-hour window)</h2>
          <pre class="payload">{JSON.stringify(p.metaTemplatePayload, null, 2)}</pre>
        </>
      ) : null}
    </>
  );
}
