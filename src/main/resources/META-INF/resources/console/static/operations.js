import { api } from './api.js';
import { $, h, time, fail, status, act, copyButton } from './dom.js';
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
    const b = h('button', { type: 'button' }, label);
    b.addEventListener('click', () => act(b, async () => {
      await api(`/admin/outbox/parked/${encodeURIComponent(p.id)}/${verb}`, { method: 'POST' });
      status(`Event ${p.id}: ${verb === 'retry' ? 'back in line' : 'skipped'}`);
      await loadParked();
    }));
    return b;
  };
  return h('tr', {}, h('td', {}, time(p.parked_at)),
    h('td', {}, h('a', { href: `/console/orders/${encodeURIComponent(p.order_id)}` }, p.order_id)),
    h('td', { class: 'num' }, p.sequence), h('td', {}, p.type), h('td', {}, p.reason),
    h('td', { class: 'num' }, `${p.size_bytes} B`), h('td', {}, button('Retry', 'retry'), ' ', button('Skip', 'skip')));
}

async function loadParked() {
  const answer = await api('/admin/outbox/parked?limit=100');
  $('#parked-total').textContent = `${answer.total} parked event${answer.total === 1 ? '' : 's'}`;
  $('#parked tbody').replaceChildren(...answer.items.map(parkedRow));
}

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
  await Promise.all([loadKeys(), loadParked()]);
} catch (e) {
  fail(e);
}
