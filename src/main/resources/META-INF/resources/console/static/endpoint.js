import { api } from './api.js';
import { $, h, time, utc, facts, fail, status, act, copyButton } from './dom.js';
import { page } from './layout.js';
import { health, describe, rate } from './health.js';

await page('webhooks:manage');
const { partnerId, endpointId } = $('#page').dataset;
const base = `/partners/${encodeURIComponent(partnerId)}/webhook-endpoints/${encodeURIComponent(endpointId)}`;
let endpoint = null;
let cursor = null;

async function render(e) {
  endpoint = e;
  facts($('#facts'), [['URL', e.url], ['Description', e.description ?? '—'], ['Partner', e.partner_id],
    ['Events', e.event_types ? e.event_types.join(', ') : 'every event'],
    ['Redemption data', e.include_secrets ? 'included' : 'not included'],
    ['State', e.enabled ? 'enabled' : `disabled${e.disabled_reason ? `: ${e.disabled_reason}` : ''}`],
    ['Previous secret valid until', e.previous_secret_expires_at ? time(e.previous_secret_expires_at) : undefined],
    ['Created', time(e.created_at)], ['Updated', time(e.updated_at)],
    ['Success, last hour', h('span', { id: 'rate-hour' }, '…')], ['Success, last day', h('span', { id: 'rate-day' }, '…')],
    ['Last success', h('span', { id: 'last-success' }, '…')], ['Last failure', h('span', { id: 'last-failure' }, '…')],
    ['In line', h('span', { id: 'pending' }, '…')]]);
  $('#toggle').textContent = e.enabled ? 'Disable' : 'Enable';
  const form = $('#edit');
  form.url.value = e.url;
  form.description.value = e.description ?? '';
  form.event_types.value = e.event_types ? e.event_types.join(', ') : '';
  await showHealth();
}

async function showHealth() {
  const r = await health(partnerId, endpointId);
  $('#rate-hour').textContent = rate(r.last_hour);
  $('#rate-day').textContent = rate(r.last_day);
  $('#last-success').replaceChildren(time(r.last_success_at));
  $('#last-failure').replaceChildren(...describe(r.last_failure));
  $('#pending').textContent = `${r.pending_deliveries} deliver${r.pending_deliveries === 1 ? 'y' : 'ies'}`;
}

function attempts(delivery) {
  if (!delivery.attempts?.length) return h('p', { class: 'note' }, 'No attempt yet.');
  return h('ol', { class: 'attempts' }, delivery.attempts.map((a) => h('li', {},
    time(a.at), ` · ${a.status_code ? `HTTP ${a.status_code}` : (a.error ?? 'no answer')} · ${a.duration_ms} ms`,
    a.error && a.status_code ? ` · ${a.error}` : null,
    a.response_excerpt ? h('code', { class: 'excerpt' }, a.response_excerpt) : null)));
}

function delivery(d) {
  const retry = h('button', { type: 'button', class: 'retry' }, 'Retry now');
  retry.addEventListener('click', () => act(retry, async () => {
    await api(`${base}/deliveries/${encodeURIComponent(d.id)}/retry`, { method: 'POST' });
    status('Delivery queued again');
    await loadLog(false);
  }));
  return h('article', { class: 'delivery', 'data-delivery-id': d.id, 'data-status': d.status },
    h('h3', {}, `${d.event_type}`, d.sequence ? ` #${d.sequence}` : '', ' · ', h('span', { class: `delivery-${d.status}` }, d.status)),
    h('p', { class: 'note' }, d.order_id ? ['Order ', h('a', { href: `/console/orders/${encodeURIComponent(d.order_id)}` }, d.order_id), ' · '] : '',
      `event ${d.event_id}`, d.next_attempt_at ? [' · next attempt ', time(d.next_attempt_at)] : ''),
    attempts(d), retry);
}

async function loadLog(append) {
  const params = new URLSearchParams({ limit: '20' });
  const filter = $('#log-status').value;
  if (filter) params.set('status', filter);
  if (append && cursor) params.set('cursor', cursor);
  try {
    const answer = await api(`${base}/deliveries?${params}`);
    if (!append) $('#log').replaceChildren();
    $('#log').append(...answer.items.map(delivery));
    cursor = answer.next_cursor ?? null;
    $('#more').hidden = !cursor;
    if (!$('#log').children.length) $('#log').append(h('p', {}, 'No deliveries.'));
    if (!append) await showHealth();
  } catch (e) {
    fail(e);
  }
}

const patch = (body) => api(base, { method: 'PATCH', body });

$('#toggle').addEventListener('click', (e) => act(e.target, async () => {
  await render(await patch({ enabled: !endpoint.enabled }));
  status(endpoint.enabled ? 'Endpoint enabled' : 'Endpoint disabled');
}));
$('#rotate').addEventListener('click', (e) => act(e.target, async () => {
  const rotated = await api(`${base}/rotate-secret`, { method: 'POST' });
  $('#secret').textContent = rotated.secret;
  $('#secret-box').hidden = false;
  await render(rotated);
}));
$('#send-test').addEventListener('click', (e) => act(e.target, async () => {
  await api(`${base}/test`, { method: 'POST' });
  status('Test event queued');
  await loadLog(false);
}));
$('#edit').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const types = String(f.get('event_types')).split(',').map((t) => t.trim()).filter(Boolean);
  act(e.target.querySelector('button'), async () => {
    await render(await patch({ url: String(f.get('url')).trim(), description: String(f.get('description')).trim() || null,
      event_types: types.length ? types : null }));
    status('Saved');
  });
});
$('#replay').addEventListener('submit', (e) => {
  e.preventDefault();
  act(e.target.querySelector('button'), async () => {
    const answer = await api(`${base}/replay`, { method: 'POST', body: { since: utc(e.target.since.value) } });
    status(`Replay queued: ${answer.enqueued} events${answer.truncated ? ' (more remain: replay again)' : ''}`);
    await loadLog(false);
  });
});
$('#log-filter').addEventListener('submit', (e) => { e.preventDefault(); loadLog(false); });
$('#refresh').addEventListener('click', () => loadLog(false));
$('#more').addEventListener('click', () => loadLog(true));
copyButton($('#copy-secret'), () => $('#secret').textContent);

try {
  await render(await api(base));
  await loadLog(false);
} catch (e) {
  fail(e);
}
