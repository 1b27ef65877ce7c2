import { useState } from 'preact/hooks';
import type { Outcome } from '../api';
import type { Problem } from '../problems';

/**
 * A form's or a button's call to the API: busy while it runs, the API's problem kept for the fields and
 * the error note, cleared by the next success. `run` answers the data, or undefined when it was refused.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  async function run<T>(request: () => Promise<Outcome<T>>): Promise<T | undefined> {
    setBusy(true);
    try {
      const out = await request();
      setProblem(out.ok ? undefined : out.problem);
      return out.ok ? out.data : undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, problem, setProblem, run };
}
