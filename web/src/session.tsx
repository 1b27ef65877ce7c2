import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { components } from '../../clients/typescript';

export type SessionInfo = components['schemas']['Session'];
export type UserInfo = components['schemas']['User'];

export const SessionContext = createContext<SessionInfo | undefined>(undefined);

export function useSession(): SessionInfo {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
