import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/campaigns/01H...`): the console is static files, so any path works from S3 and the
 * local runtime alike, and a reload keeps the screen.
 */
export function currentRoute(): string[] {
  const hash = globalThis.location?.hash.replace(/^#\/?/, '') ?? '';
  return hash
    .split('?')[0]!
    .split('/')
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function href(...parts: string[]): string {
  return `#/${parts.map(encodeURIComponent).join('/')}`;
}

export function navigate(...parts: string[]): void {
  window.location.hash = href(...parts);
}
