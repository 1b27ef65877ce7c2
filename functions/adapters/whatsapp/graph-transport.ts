/** What went wrong when a request to the Graph API got no answer at all, in words. */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  // Checked by name: the abort's DOMException may come from another realm than our Error.
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `no answer from the Graph API within ${timeoutMs} ms`;
  }
  const e = error as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  const cause = e?.cause?.code ?? e?.cause?.message;
  const detail = [e?.message, cause].filter((x) => typeof x === 'string' && x).join(': ') || String(error);
  return `could not reach the Graph API: ${detail}`;
}
