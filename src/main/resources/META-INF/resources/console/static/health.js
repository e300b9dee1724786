// Endpoint health as the delivery log tells it: the API gives each attempt, the console counts them.
import { api } from './api.js';
import { h, time } from './dom.js';

const HOUR = 3600_000;
const ok = (a) => a.status_code >= 200 && a.status_code < 300;

export function describe(attempt) {
  if (!attempt) return '—';
  const what = attempt.status_code ? `HTTP ${attempt.status_code}` : (attempt.error ?? 'no answer');
  return [time(attempt.at), ` ${what}`, attempt.response_excerpt ? h('code', { class: 'excerpt' }, attempt.response_excerpt) : null];
}

/** Success rates over the last hour and day and the last failed attempt, from the newest 500 deliveries. */
export async function health(partnerId, endpointId) {
  const page = await api(`/partners/${encodeURIComponent(partnerId)}/webhook-endpoints/${encodeURIComponent(endpointId)}/deliveries?limit=500`);
  const attempts = page.items.flatMap((d) => d.attempts ?? []).sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const rate = (ms) => {
    const recent = attempts.filter((a) => Date.now() - Date.parse(a.at) <= ms);
    return recent.length ? `${Math.round((100 * recent.filter(ok).length) / recent.length)}% of ${recent.length}` : 'no attempts';
  };
  return { hour: rate(HOUR), day: rate(24 * HOUR), lastFailure: attempts.find((a) => !ok(a)) };
}
