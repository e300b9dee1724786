import { api } from './api.js';
import { $, h, time, facts, fail, status, act, copyButton, duration } from './dom.js';
import { page } from './layout.js';

await page('admin');

function keyRow(k) {
  const revoke = k.revoked_at ? null : h('button', { type: 'button', class: 'revoke' }, 'Revoke');
  revoke?.addEventListener('click', () => act(revoke, async () => {
    if (!window.confirm(`Revoke the key ${k.name} (${k.key_prefix})? Callers using it are refused at once.`)) return;
    await api(`/api-keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
    status(`Key ${k.name} revoked`);
    await loadKeys();
  }));
  return h('tr', { 'data-key-id': k.id },
    h('td', {}, k.name), h('td', {}, h('code', {}, k.key_prefix)), h('td', {}, k.scopes.join(', ')),
    h('td', {}, k.partner_id ?? 'every partner'), h('td', {}, time(k.created_at)),
    h('td', {}, k.revoked_at ? time(k.revoked_at) : '—'), h('td', {}, revoke));
}

async function loadKeys() {
  const answer = await api('/api-keys');
  $('#keys tbody').replaceChildren(...answer.items.map(keyRow));
}

function parkedRow(p) {
  const button = (label, verb) => {
    const b = h('button', { type: 'button', 'data-action': verb, 'aria-label': `${label} event ${p.id}` }, label);
    b.addEventListener('click', () => act(b, async () => {
      await api(`/admin/outbox/parked/${encodeURIComponent(p.id)}/${verb}`, { method: 'POST' });
      status(`Event ${p.id}: ${verb === 'retry' ? 'back in line' : 'skipped'}`);
      await Promise.all([loadParked(), loadFigures()]);
    }));
    return b;
  };
  return h('tr', { 'data-event-id': p.id }, h('td', {}, time(p.parked_at)),
    h('td', {}, h('a', { href: `/console/orders/${encodeURIComponent(p.order_id)}` }, p.order_id)),
    h('td', { class: 'num' }, p.sequence), h('td', {}, p.type), h('td', {}, p.reason),
    h('td', { class: 'num' }, `${p.size_bytes} B`), h('td', {}, h('div', { class: 'buttons' }, button('Retry', 'retry'), button('Skip', 'skip'))));
}

async function loadParked() {
  const answer = await api('/admin/outbox/parked?limit=100');
  $('#parked-total').textContent = `${answer.total} parked event${answer.total === 1 ? '' : 's'}`;
  $('#parked tbody').replaceChildren(...answer.items.map(parkedRow));
}

const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** GET /v1/admin/status: tracking, outbox and upstream figures. */
async function loadFigures() {
  const s = await api('/admin/status');
  $('#figures-at').replaceChildren(time(s.at));
  const t = s.tracking;
  const r = t.replica;
  facts($('#tracking'), [['Open orders', t.open_orders], ['Not followed', t.unfollowed_orders],
    ['This replica', r.tracking_enabled ? (r.owner ?? '—') : 'tracking disabled'],
    ['Followed here', r.followed_orders], ['Live streams', r.live_streams], ['Polling', r.polling_orders],
    ['Paused streams', r.paused_streams], ['Reconnects since start', r.reconnects]]);
  $('#lease-owners tbody').replaceChildren(...(t.lease_owners.length ? t.lease_owners.map((o) => h('tr', {},
    h('td', {}, h('code', {}, o.owner), o.this_replica ? ' (this replica)' : null), h('td', { class: 'num' }, o.orders)))
    : [h('tr', {}, h('td', { colspan: 2 }, 'No live lease'))]));
  const o = s.outbox;
  facts($('#outbox'), [['Backlog', count(o.backlog, 'event', 'events')],
    ['Oldest pending', o.backlog ? duration(o.oldest_pending_age_ms) : '—'],
    ['Parked', h('span', { id: 'parked-count', class: o.parked ? 'flag-bad' : null }, count(o.parked, 'event', 'events'))],
    ['Held behind parked', count(o.held, 'event', 'events')]]);
  const c = s.upstream.catalogue;
  facts($('#catalogue'), [['Catalogue', c.stale ? h('span', { class: 'flag-bad' }, 'stale: upstream failing') : 'fresh'],
    ['Cached answers', c.entries], ['Last refresh', time(c.last_refresh_at)], ['Last stale answer', time(c.last_stale_at)]]);
  $('#circuits tbody').replaceChildren(...s.upstream.circuits.map((b) => h('tr', { 'data-circuit': b.name },
    h('td', {}, b.name), h('td', {}, h('span', { class: `state state-${b.state}` }, b.state.replace('_', '-'))))));
}

$('#refresh-figures').addEventListener('click', (e) => act(e.target, loadFigures));

$('#new-key').addEventListener('submit', (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  act(e.target.querySelector('button[type=submit]'), async () => {
    const created = await api('/api-keys', { method: 'POST', body: {
      name: String(f.get('name')).trim(), scopes: f.getAll('scopes'),
      partner_id: String(f.get('partner_id')).trim() || undefined } });
    $('#new-key-value').textContent = created.key;
    $('#new-key-box').hidden = false;
    e.target.reset();
    await loadKeys();
  });
});
copyButton($('#copy-key'), () => $('#new-key-value').textContent);

try {
  await Promise.all([loadFigures(), loadKeys(), loadParked()]);
} catch (e) {
  fail(e);
}
