/** What the console's component tests share: a host element per test, waiting, finding and typing. */
import { render } from 'preact';
import { act } from 'preact/test-utils';

/**
 * A fresh element in the document for each test of the `describe` it is called in (handed to `use`),
 * unmounted and removed after the test.
 */
export function withHost(use: (host: HTMLElement) => void): void {
  let host: HTMLElement;
  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
    use(host);
  });
  afterEach(() => {
    render(null, host);
    host.remove();
  });
}

/** Lets effects and fetches settle until `check` holds, for at most `ms`. */
export async function until(check: () => boolean, what: string, ms = 1_000): Promise<void> {
  for (let i = 0; i < ms / 10; i++) {
    if (check()) return;
    await act(() => new Promise((r) => setTimeout(r, 10)));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const button = (host: HTMLElement, name: string) =>
  [...host.querySelectorAll('button')].find((b) => b.textContent?.trim() === name) as
    | HTMLButtonElement
    | undefined;

/** Types into a field as a person does: the value, then the input event Preact listens to. */
export function type(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}
