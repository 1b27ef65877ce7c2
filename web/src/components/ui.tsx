import { type ComponentChildren, Fragment, type JSX } from 'preact';
import { useId, useState } from 'preact/hooks';
import type { Problem } from '../problems';
import { fieldProblem } from '../problems';

/** An error the API (or the browser) gave, in words, announced to screen readers. */
export function ErrorNote({ problem }: { problem: Problem | undefined | string }) {
  if (!problem) return null;
  const text = typeof problem === 'string' ? problem : problem.message;
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

/** A success in words, announced politely to screen readers. */
export function Notice({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

type InputProps = JSX.InputHTMLAttributes<HTMLInputElement>;

/** A labelled input whose API error, if any, is shown under it and tied to it (aria-describedby). */
export function Field(props: {
  label: string;
  name: string;
  problem?: Problem | undefined;
  /** The API's name for this field when it differs from `name` (e.g. `sendWindow.start`). */
  apiField?: string;
  hint?: string;
  children?: ComponentChildren;
  input?: InputProps;
  multiline?: boolean;
  rows?: number;
  value: string;
  onInput: (value: string) => void;
  type?: string;
  required?: boolean;
}) {
  const id = useId();
  const error = fieldProblem(props.problem, props.apiField ?? props.name);
  const describedBy = [error ? `${id}-error` : '', props.hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name: props.name,
    value: props.value,
    required: props.required,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    onInput: (e: Event) => props.onInput((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={props.rows ?? 4} />
      ) : (
        <input {...common} type={props.type ?? 'text'} {...props.input} />
      )}
      {props.hint ? (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      ) : null}
      {props.children}
    </div>
  );
}

/** A labelled select. */
export function Select(props: {
  label: string;
  name: string;
  value: string;
  options: readonly { value: string; label: string }[];
  onChange: (value: string) => void;
  problem?: Problem | undefined;
  apiField?: string;
}) {
  const id = useId();
  const error = fieldProblem(props.problem, props.apiField ?? props.name);
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error ? (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/**
 * A button whose action asks first: the question and two buttons replace it until one is chosen.
 * Keyboard users land on the confirming button.
 */
export function ConfirmButton(props: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void | Promise<void>;
  danger?: boolean;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        class={props.danger ? 'danger' : ''}
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <fieldset class="confirm">
      <legend>{props.question}</legend>
      <button
        type="button"
        class={props.danger ? 'danger' : 'primary'}
        disabled={busy}
        ref={(el) => el?.focus()}
        onClick={async () => {
          setBusy(true);
          try {
            await props.onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </fieldset>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** A contact's attributes (from list imports) under a heading; nothing when there are none. */
export function Attributes({ values }: { values: Readonly<Record<string, string>> | undefined }) {
  if (!values || Object.keys(values).length === 0) return null;
  return (
    <>
      <h3>Attributes</h3>
      <dl>
        {Object.entries(values).map(([k, v]) => (
          <Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </Fragment>
        ))}
      </dl>
    </>
  );
}
