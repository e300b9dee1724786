// Endpoint health as the API reports it: GET .../webhook-endpoints/{id}/health (rates, last failure, disabled state).
import { api } from './api.js';
import { h, time } from './dom.js';

/** "92% of 25" from a window of the health answer; "no attempts" when empty. */
export function rate(window) {
  if (!window.attempts) return 'no attempts';
  return `${Math.round(window.success_rate * 100)}% of ${window.attempts}`;
}

/** The last failed attempt: its time, what it got, and the excerpt of the answer. */
export function describe(failure) {
  if (!failure) return ['none'];
  const what = failure.status_code ? `HTTP ${failure.status_code}` : (failure.error ?? 'no answer');
  return [time(failure.at), ` ${what}`,
    failure.error && failure.status_code ? ` · ${failure.error}` : null,
    failure.response_excerpt ? h('code', { class: 'excerpt' }, failure.response_excerpt) : null].filter((x) => x !== null);
}

export function stateText(health) {
  return health.enabled ? 'enabled' : `disabled${health.disabled_reason ? `: ${health.disabled_reason}` : ''}`;
}

export const health = (partnerId, endpointId) =>
  api(`/partners/${encodeURIComponent(partnerId)}/webhook-endpoints/${encodeURIComponent(endpointId)}/health`);
