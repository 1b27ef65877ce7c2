import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { api, call, type Outcome } from '../api';
import { ConfirmButton, ErrorNote, Field, formatTime, Loading, Notice } from '../components/ui';
import { useAction } from '../components/use-action';
import { describeRow, type Problem } from '../problems';
import { href, navigate } from '../router';

type ContactList = components['schemas']['ContactList'];
type ListMember = components['schemas']['ListMember'];

/**
 * A cursor-paged collection: the first page loads whenever `key` changes, "More" appends the next one.
 * An answer that arrives after a newer reload (or after leaving the screen) is dropped, so a slow first
 * page cannot overwrite a fresh one.
 */
export function usePaged<T>(
  load: (cursor?: string) => Promise<Outcome<{ items: T[]; nextCursor?: string }>>,
  key: string,
) {
  const [items, setItems] = useState<T[]>();
  const [next, setNext] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const generation = useRef(0);

  const fetchPage = async (cursor?: string) => {
    const mine = cursor ? generation.current : ++generation.current;
    setBusy(true);
    const out = await load(cursor);
    if (mine !== generation.current) return;
    setBusy(false);
    if (!out.ok) {
      setProblem(out.problem);
      return;
    }
    setProblem(undefined);
    setItems((prev) => (cursor ? [...(prev ?? []), ...out.data.items] : out.data.items));
    setNext(out.data.nextCursor);
  };

  useEffect(() => {
    setItems(undefined);
    setNext(undefined);
    void fetchPage();
    return () => {
      generation.current++;
    };
  }, [key]);

  return {
    items,
    setItems,
    problem,
    busy,
    reload: () => fetchPage(),
    more: next ? () => fetchPage(next) : undefined,
  };
}

export function MoreButton({ more, busy }: { more: (() => void) | undefined; busy: boolean }) {
  if (!more) return null;
  return (
    <div class="actions">
      <button type="button" onClick={more} disabled={busy}>
        {busy ? 'Loading…' : 'More'}
      </button>
    </div>
  );
}

export function ListsScreen({ id }: { id?: string }) {
  return id ? <ListPage id={id} /> : <AllLists />;
}

function AllLists() {
  const lists = usePaged((cursor) => call(api.GET('/api/lists', { params: { query: { cursor } } })), 'lists');
  const [created, setCreated] = useState<ContactList>();
  return (
    <>
      <h1>Contacts &amp; lists</h1>
      <div class="grid2">
        <NewList
          onCreated={(list) => {
            setCreated(list);
            lists.setItems((prev) => [list, ...(prev ?? [])]);
          }}
        />
        <FindContact />
      </div>
      {created ? (
        <p class="notice" role="status">
          List “{created.name}” created. <a href={href('lists', created.id)}>Add its contacts</a>.
        </p>
      ) : null}
      <h2>Lists</h2>
      <ErrorNote problem={lists.problem} />
      {!lists.items ? (
        lists.problem ? null : (
          <Loading what="the lists" />
        )
      ) : lists.items.length === 0 ? (
        <p class="muted">No lists yet. Create one above, then import its contacts from a CSV file.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th class="optional">Created</th>
              </tr>
            </thead>
            <tbody>
              {lists.items.map((l) => (
                <tr key={l.id}>
                  <td>
                    <a href={href('lists', l.id)}>{l.name}</a>
                  </td>
                  <td class="optional">{formatTime(l.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreButton more={lists.more} busy={lists.busy} />
    </>
  );
}

function NewList({ onCreated }: { onCreated: (list: ContactList) => void }) {
  const [name, setName] = useState('');
  const { busy, problem, run } = useAction();
  return (
    <form
      class="card"
      onSubmit={async (e) => {
        e.preventDefault();
        const list = await run(() => call(api.POST('/api/lists', { body: { name } })));
        if (!list) return;
        setName('');
        onCreated(list);
      }}
    >
      <h2>New list</h2>
      <Field label="Name" name="name" value={name} onInput={setName} problem={problem} required />
      <ErrorNote problem={problem} />
      <button type="submit" class="primary" disabled={busy}>
        Create the list
      </button>
    </form>
  );
}

/** A contact page is also reachable for numbers in no list (e.g. someone who only wrote in). */
function FindContact() {
  const [phone, setPhone] = useState('');
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        if (phone.trim()) navigate('contacts', phone.trim());
      }}
    >
      <h2>Find a contact</h2>
      <Field
        label="Phone number"
        name="phone"
        type="tel"
        hint="For example +4915112345678."
        value={phone}
        onInput={setPhone}
        required
      />
      <button type="submit">Show the contact</button>
    </form>
  );
}

function ListPage({ id }: { id: string }) {
  const members = usePaged(
    (cursor) => call(api.GET('/api/lists/{id}/contacts', { params: { path: { id }, query: { cursor } } })),
    id,
  );
  const [removeProblem, setRemoveProblem] = useState<Problem>();

  const remove = async (m: ListMember) => {
    const out = await call(
      api.DELETE('/api/lists/{id}/contacts/{contact}', { params: { path: { id, contact: m.phone } } }),
    );
    if (!out.ok) return setRemoveProblem(out.problem);
    setRemoveProblem(undefined);
    members.setItems((prev) => prev?.filter((x) => x.phone !== m.phone));
  };

  const [list, setList] = useState<ContactList>();
  const [listProblem, setListProblem] = useState<Problem>();
  useEffect(() => {
    void call(api.GET('/api/lists/{id}', { params: { path: { id } } })).then((out) =>
      out.ok ? setList(out.data) : setListProblem(out.problem),
    );
  }, [id]);

  return (
    <>
      <p>
        <a href={href('lists')}>← All lists</a>
      </p>
      <h1>{list ? `List ${list.name}` : 'List members'}</h1>
      {listProblem ? (
        <ErrorNote problem={listProblem} />
      ) : (
        <p class="muted">Created {formatTime(list?.createdAt)}</p>
      )}
      <CsvImport id={id} onImported={() => void members.reload()} />
      <h2>Members</h2>
      <ErrorNote problem={members.problem} />
      <ErrorNote problem={removeProblem} />
      {!members.items ? (
        members.problem ? null : (
          <Loading what="the members" />
        )
      ) : members.items.length === 0 ? (
        <p class="muted">This list has no members yet. Import a CSV file above.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Phone</th>
                <th class="optional">Attributes</th>
                <th>
                  <span class="muted">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.items.map((m) => (
                <tr key={m.phone}>
                  <td>
                    <a href={href('contacts', m.phone)}>{m.phone}</a>
                  </td>
                  <td class="optional">
                    {Object.entries(m.attributes)
                      .map(([k, v]) => `${k}: ${v}`)
                      .join(', ')}
                  </td>
                  <td>
                    <ConfirmButton
                      label={`Remove ${m.phone}`}
                      question={`Remove ${m.phone} from this list?`}
                      confirmLabel="Remove"
                      danger
                      onConfirm={() => remove(m)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <MoreButton more={members.more} busy={members.busy} />
    </>
  );
}

/**
 * The CSV is read into the text area rather than sent as a file, so a rejected import can be corrected
 * in place (the API stores nothing unless every row is good) and sent again.
 */
function CsvImport({ id, onImported }: { id: string; onImported: () => void }) {
  const [csv, setCsv] = useState('');
  const [country, setCountry] = useState('');
  const [problem, setProblem] = useState<Problem | string>();
  const [result, setResult] = useState<string>();
  const [busy, setBusy] = useState(false);
  const fileId = useId();
  const apiProblem = typeof problem === 'string' ? undefined : problem;
  const rows = apiProblem?.rows ?? [];

  const submit = async (e: Event) => {
    e.preventDefault();
    setResult(undefined);
    if (!csv.trim()) return setProblem('Choose a CSV file or paste its text first.');
    if (country && !/^[A-Z]{2}$/.test(country)) {
      const message = 'The default country is two letters, such as DE or US.';
      return setProblem({
        code: 'invalid_country',
        message,
        status: 0,
        fields: { defaultCountry: message },
        rows: [],
      });
    }
    setBusy(true);
    const out = await call(
      api.POST('/api/lists/{id}/contacts', {
        params: { path: { id }, query: { defaultCountry: country || undefined } },
        body: csv as never,
        bodySerializer: (b: unknown) => b as string,
        headers: { 'content-type': 'text/csv' },
      }),
    );
    setBusy(false);
    if (!out.ok) return setProblem(out.problem);
    setProblem(undefined);
    setResult(`Imported ${out.data.added} contacts (${out.data.duplicatesMerged} duplicates merged).`);
    onImported();
  };

  return (
    <form class="card" onSubmit={submit}>
      <h2>Import contacts from CSV</h2>
      <p class="muted">
        The first line is the header: <code>phone</code>, then one column per attribute (for example{' '}
        <code>phone,customerName</code>). Every row is checked first; if any is wrong, nothing is stored.
      </p>
      <div class="field">
        <label for={fileId}>CSV file</label>
        <input
          id={fileId}
          type="file"
          accept=".csv,text/csv"
          onChange={async (e) => {
            const file = (e.currentTarget as HTMLInputElement).files?.[0];
            if (file) setCsv(await file.text());
          }}
        />
      </div>
      <Field
        label="CSV text"
        name="csv"
        multiline
        rows={8}
        hint="Filled from the file you choose, or paste it here. Fix any line listed below and import again."
        value={csv}
        onInput={setCsv}
      />
      <Field
        label="Default country (optional)"
        name="defaultCountry"
        hint="Two letters, e.g. DE: the country of numbers written without + and country code."
        input={{ autocapitalize: 'characters', spellcheck: false }}
        value={country}
        onInput={(v) => setCountry(v.trim().toUpperCase())}
        problem={apiProblem}
      />
      {rows.length ? (
        <div role="alert">
          <p class="error">
            {rows.length === 1 ? 'One row cannot be used' : `${rows.length} rows cannot be used`}, so nothing
            was stored. Fix {rows.length === 1 ? 'it' : 'them'} and import again.
            {rows.length >= 100 ? ' Only the first 100 are listed.' : ''}
          </p>
          <ul class="rows">
            {rows.map((r) => (
              <li key={r.row}>{describeRow(r)}</li>
            ))}
          </ul>
        </div>
      ) : (
        <ErrorNote problem={problem} />
      )}
      <Notice text={result} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Importing…' : 'Import'}
      </button>
    </form>
  );
}
