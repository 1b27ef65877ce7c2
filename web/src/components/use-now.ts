import { useEffect, useState } from 'preact/hooks';

/** The time, refreshed every `everyMs`: for "waiting 12 min" and "Window closes in 3 h" to move on. */
export function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
