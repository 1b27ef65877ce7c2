/**
 * The reply box: free text while the customer's 24-hour window is open (with the time left), a template
 * with its variables once it has closed (all WhatsApp delivers then), canned replies behind "/", and
 * private notes the customer never sees.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { expandShortcut, matchingShortcuts } from '../../../functions/domain/canned-reply';
import { MEDIA_TYPES } from '../../../functions/domain/media-types';
import type { TemplateDefinition } from '../../../functions/domain/template';
import { previewTemplate } from '../../../functions/domain/template-preview';
import { api, call } from '../api';
import { ErrorNote, Field, Notice, Select } from '../components/ui';
import { useAction } from '../components/use-action';
import type { ServiceWindow } from '../inbox';
import { useInboxFeedContext } from '../inbox-feed';
import type { Problem } from '../problems';
import { sizeText } from './inbox-thread';

type CannedReply = components['schemas']['CannedReply'];
type Template = components['schemas']['Template'];
type Uploaded = components['schemas']['UploadedMedia'];

/** What an agent may attach: WhatsApp's image and document types (the API checks again, in words). */
const ATTACHABLE = [...MEDIA_TYPES.image, ...MEDIA_TYPES.document].join(',');

/** The file's bytes as the body, with its own Content-Type; the answer names the stored media. */
function upload(file: File) {
  return call(
    api.POST('/api/media', {
      params: { query: { filename: file.name } },
      // The generated types see the body as text; the browser sends the file's bytes as they are.
      body: file as unknown as string,
      bodySerializer: (body: unknown) => body as BodyInit,
      headers: { 'content-type': file.type || 'application/octet-stream' },
    }),
  );
}

export function ReplyBox(props: {
  contact: string;
  window: ServiceWindow;
  attributes?: Readonly<Record<string, string>> | undefined;
  optedOut: boolean;
  /** A message or note went: the thread reads itself again at once. */
  onSent: () => void;
}) {
  const feed = useInboxFeedContext();
  const [note, setNote] = useState(false);
  const [text, setText] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [variables, setVariables] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string>();
  const [attached, setAttached] = useState<Uploaded>();
  /** Changing it empties the file input (after a send, or Remove). */
  const [fileKey, setFileKey] = useState(0);
  const { busy, problem, setProblem, run } = useAction();
  const replies = useCannedReplies();
  const templateMode = !note && !props.window.open;
  const templates = useTemplates(templateMode);
  const path = { params: { path: { contact: props.contact } } };

  const send = async () => {
    setNotice(undefined);
    if (note) {
      const added = await run(() =>
        call(api.POST('/api/conversations/{contact}/notes', { ...path, body: { text: text.trim() } })),
      );
      if (!added) return;
      setText('');
      setNotice('Note added; only the team sees it.');
    } else if (templateMode) {
      if (!templateId) return setProblem(fieldMissing('templateId', 'choose a template'));
      const queued = await run(() =>
        call(api.POST('/api/conversations/{contact}/messages', { ...path, body: { templateId, variables } })),
      );
      if (!queued) return;
      // Cleared, so a second press cannot send the same (paid) template again by mistake.
      setTemplateId('');
      setVariables({});
      setNotice('Template queued.');
    } else {
      // A "/shortcut" left unexpanded goes out as its canned text, never as "/shortcut".
      const words = (expandShortcut(text, replies) ?? text).trim();
      const body = attached
        ? { mediaId: attached.id, ...(words ? { caption: words } : {}) }
        : { text: words };
      const queued = await run(() =>
        call(api.POST('/api/conversations/{contact}/messages', { ...path, body })),
      );
      if (!queued) return;
      setText('');
      setNotice(attached ? `${attached.filename ?? 'The file'} queued.` : 'Reply queued.');
      setAttached(undefined);
      setFileKey((k) => k + 1);
    }
    props.onSent();
    // Replying takes the conversation: show the new owner before the next poll does.
    const now = await call(api.GET('/api/conversations/{contact}', path));
    if (now.ok) feed.put(now.data);
  };

  return (
    <form
      class={`reply card${note ? ' is-note' : ''}`}
      aria-label={note ? 'Private note' : 'Reply'}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div class="spread">
        <strong>{note ? 'Private note' : templateMode ? 'Template' : 'Reply'}</strong>
        <span class={props.window.open ? 'muted' : 'warn'} data-testid="window">
          {props.window.text}
        </span>
      </div>
      <label class="check">
        <input type="checkbox" checked={note} onChange={(e) => setNote(e.currentTarget.checked)} /> Note: only
        the team sees it, it is never sent to the customer
      </label>
      {props.optedOut && !note ? (
        <p class="error">The customer opted out of all messages: nothing can be sent to them.</p>
      ) : null}
      {templateMode ? (
        <TemplateChoice
          templates={templates}
          templateId={templateId}
          variables={variables}
          attributes={props.attributes}
          problem={problem}
          onTemplate={(id, vars) => {
            setTemplateId(id);
            setVariables(vars);
          }}
          onVariable={(k, v) => setVariables({ ...variables, [k]: v })}
        />
      ) : (
        <>
          <ReplyText
            text={text}
            note={note}
            caption={attached !== undefined}
            replies={replies}
            onInput={setText}
            onSubmit={() => void send()}
          />
          {note ? null : (
            <Attachment
              key={fileKey}
              attached={attached}
              busy={busy}
              onFile={async (file) => {
                setNotice(undefined);
                const stored = await run(() => upload(file));
                setAttached(stored);
                if (!stored) setFileKey((k) => k + 1);
              }}
              onRemove={() => {
                setAttached(undefined);
                setFileKey((k) => k + 1);
              }}
            />
          )}
        </>
      )}
      <ErrorNote problem={problem} />
      <Notice text={notice} />
      <div class="actions">
        <button
          type="submit"
          class="primary"
          disabled={
            busy || (!templateMode && !text.trim() && !(attached && !note)) || (props.optedOut && !note)
          }
        >
          {busy ? 'Sending…' : note ? 'Add note' : templateMode ? 'Send template' : 'Send'}
        </button>
      </div>
    </form>
  );
}

function fieldMissing(field: string, message: string): Problem {
  return { code: 'validation_failed', message, status: 0, fields: { [field]: message }, rows: [] };
}

/** Every canned reply, read once per thread (they change rarely). */
function useCannedReplies(): CannedReply[] {
  const [replies, setReplies] = useState<CannedReply[]>([]);
  useEffect(() => {
    void call(api.GET('/api/canned-replies')).then((out) => out.ok && setReplies(out.data.items));
  }, []);
  return replies;
}

/** The templates, read when the box first needs them. */
function useTemplates(wanted: boolean): Template[] | undefined {
  const [templates, setTemplates] = useState<Template[]>();
  useEffect(() => {
    if (!wanted || templates) return;
    void call(api.GET('/api/templates', { params: { query: { limit: 100 } } })).then(
      (out) => out.ok && setTemplates(out.data.items),
    );
  }, [wanted]);
  return templates;
}

/**
 * The text, with the canned replies whose shortcut matches what follows a leading "/": Tab or a click
 * puts the reply's text in place (a known `/shortcut` followed by more words keeps them after it).
 */
export function ReplyText(props: {
  text: string;
  note: boolean;
  /** A file is attached: the text is its caption. */
  caption?: boolean;
  replies: readonly CannedReply[];
  onInput: (text: string) => void;
  onSubmit: () => void;
}) {
  const id = useId();
  const box = useRef<HTMLTextAreaElement>(null);
  const suggestions = matchingShortcuts(props.text, props.replies);
  const put = (text: string) => {
    props.onInput(text);
    requestAnimationFrame(() => {
      const el = box.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(text.length, text.length);
    });
  };
  return (
    <div class="field">
      <label for={id}>
        {props.note ? 'Note for the team' : props.caption ? 'Caption (optional)' : 'Message'}
      </label>
      <textarea
        id={id}
        ref={box}
        class="reply-text"
        rows={3}
        value={props.text}
        aria-describedby={`${id}-hint`}
        onInput={(e) => props.onInput(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            props.onSubmit();
            return;
          }
          if (e.key !== 'Tab' || e.shiftKey) return;
          const expanded = expandShortcut(props.text, props.replies) ?? suggestions[0]?.text;
          if (expanded === undefined) return;
          e.preventDefault();
          put(expanded);
        }}
      />
      <small id={`${id}-hint`} class="hint">
        {props.replies.length
          ? 'Type / for canned replies (Tab puts one in). Ctrl+Enter sends.'
          : 'Ctrl+Enter sends.'}
      </small>
      {suggestions.length ? (
        <ul class="suggestions" aria-label="Canned replies">
          {suggestions.map((r) => (
            <li key={r.shortcut}>
              <button type="button" class="link" onClick={() => put(r.text)}>
                <code>/{r.shortcut}</code> {r.text}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** An image or document to send: stored as soon as it is chosen, then sent with the reply. */
function Attachment(props: {
  attached: Uploaded | undefined;
  busy: boolean;
  onFile: (file: File) => void;
  onRemove: () => void;
}) {
  const id = useId();
  if (props.attached) {
    const a = props.attached;
    return (
      <p class="attached">
        Attached: <strong>{a.filename ?? a.kind}</strong> ({a.kind}, {sizeText(a.size)}){' '}
        <button type="button" class="link" onClick={props.onRemove}>
          Remove
        </button>
      </p>
    );
  }
  return (
    <div class="field attach">
      <label for={id}>Attach an image or document</label>
      <input
        id={id}
        type="file"
        accept={ATTACHABLE}
        disabled={props.busy}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) props.onFile(file);
        }}
      />
    </div>
  );
}

function TemplateChoice(props: {
  templates: Template[] | undefined;
  templateId: string;
  variables: Record<string, string>;
  attributes: Readonly<Record<string, string>> | undefined;
  problem: Problem | undefined;
  onTemplate: (id: string, variables: Record<string, string>) => void;
  onVariable: (name: string, value: string) => void;
}) {
  const template = props.templates?.find((t) => t.id === props.templateId);
  const preview = useMemo(
    // The API's template is a definition with its id and times (generated types mark its defaults optional).
    () => (template ? previewTemplate(template as TemplateDefinition, props.variables) : undefined),
    [template, props.variables],
  );
  const problem = props.problem;
  return (
    <>
      <p class="hint">
        More than 24 hours since the customer last wrote: WhatsApp delivers only a template now. Choose one
        and fill in its values.
      </p>
      {!props.templates ? (
        <p class="muted">Loading the templates…</p>
      ) : props.templates.length === 0 ? (
        <p class="muted">There are no templates yet; create one under Templates.</p>
      ) : (
        <Select
          label="Template"
          name="templateId"
          value={props.templateId}
          problem={problem}
          options={[
            { value: '', label: 'Choose a template' },
            ...props.templates.map((t) => ({ value: t.id, label: t.name })),
          ]}
          onChange={(id) => {
            const chosen = props.templates?.find((t) => t.id === id);
            // The contact's attributes fill what they can, as a campaign would.
            const values = Object.fromEntries(
              (chosen?.variables ?? []).map((v) => [v, props.attributes?.[v] ?? chosen?.defaults?.[v] ?? '']),
            );
            props.onTemplate(id, values);
          }}
        />
      )}
      {template && !template.whatsapp ? (
        <p class="warn">
          “{template.name}” is not mapped to an approved Meta template: WhatsApp refuses it outside the window
          (map it under Templates).
        </p>
      ) : null}
      {template?.variables.map((v) => (
        <Field
          key={v}
          label={v}
          name={`variables.${v}`}
          value={props.variables[v] ?? ''}
          onInput={(value) => props.onVariable(v, value)}
          problem={problem}
        />
      ))}
      {preview ? (
        preview.ok ? (
          <div class="bubble" data-testid="template-preview">
            {preview.text}
          </div>
        ) : (
          <p class="muted">{preview.message}</p>
        )
      ) : null}
    </>
  );
}
