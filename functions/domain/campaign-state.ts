/** The campaign lifecycle. `completed` and `cancelled` end it (a retry reopens a completed one). */
export type CampaignState = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';

export type CampaignAction = 'schedule' | 'start' | 'pause' | 'resume' | 'cancel' | 'retry' | 'complete';

const TRANSITIONS: Record<CampaignAction, { from: readonly CampaignState[]; to: CampaignState }> = {
  schedule: { from: ['draft', 'scheduled'], to: 'scheduled' },
  start: { from: ['draft', 'scheduled'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['draft', 'scheduled', 'running', 'paused'], to: 'cancelled' },
  retry: { from: ['completed', 'paused'], to: 'running' },
  complete: { from: ['running'], to: 'completed' },
};

/**
 * A series (a recurring campaign) is `scheduled` while its schedule runs, `paused` while it is held, and
 * `cancelled` when it was deleted; its runs are campaigns with the lifecycle above.
 */
const SERIES_TRANSITIONS: Partial<
  Record<CampaignAction, { from: readonly CampaignState[]; to: CampaignState }>
> = {
  pause: { from: ['scheduled'], to: 'paused' },
  resume: { from: ['paused'], to: 'scheduled' },
  cancel: { from: ['scheduled', 'paused'], to: 'cancelled' },
};

export type TransitionResult =
  | { readonly ok: true; readonly from: readonly CampaignState[]; readonly to: CampaignState }
  | { readonly ok: false; readonly message: string };

export function transition(
  current: CampaignState,
  action: CampaignAction,
  kind: 'campaign' | 'series' = 'campaign',
): TransitionResult {
  const rule = kind === 'series' ? SERIES_TRANSITIONS[action] : TRANSITIONS[action];
  if (!rule) {
    return {
      ok: false,
      message: `cannot ${action} a recurring campaign: it runs on its own schedule (pause, resume or cancel the series; its runs are campaigns of their own)`,
    };
  }
  if (!rule.from.includes(current)) {
    const allowed = rule.from.join(' or ');
    return { ok: false, message: `cannot ${action} a campaign that is ${current} (only when ${allowed})` };
  }
  return { ok: true, from: rule.from, to: rule.to };
}

/** Every action allowed from a state, for error messages and the API. */
export function allowedActions(current: CampaignState): CampaignAction[] {
  return (Object.keys(TRANSITIONS) as CampaignAction[]).filter(
    (a) => a !== 'complete' && TRANSITIONS[a].from.includes(current),
  );
}
