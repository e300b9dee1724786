import { api, stream, can } from './api.js';
import { $, h, time, facts, fail, act, stateBadge } from './dom.js';
import { page } from './layout.js';
import { resolveForms } from './resolve.js';

const who = await page('orders:read');
const id = $('#page').dataset.orderId;
let order = null;
let countdown = null;

function remaining(payBefore) {
  const ms = Date.parse(payBefore) - Date.now();
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m ${String(s % 60).padStart(2, '0')}s left`;
}

function render(o) {
  order = o;
  document.title = `Order ${o.client_reference ?? o.id} · order-relay`;
  facts($('#summary'), [['Order id', o.id], ['Partner', o.partner_id], ['Client reference', o.client_reference ?? '—'],
    ['State', stateBadge(o.state)], ['Upstream order id', o.upstream_order_id ?? '—'],
    ['Created', time(o.created_at)], ['Updated', time(o.updated_at)]]);
  const p = o.payment ?? {};
  const timer = h('span', { id: 'pay-countdown', role: 'timer' }, p.pay_before ? remaining(p.pay_before) : '—');
  facts($('#payment'), [['Coin', p.coin ?? '—'], ['Network', p.network ?? '—'], ['Via', p.payment_via ?? '—'],
    ['Wallet', p.wallet_address ? h('code', { id: 'wallet' }, p.wallet_address) : '—'],
    ['Amount', p.coin_amount ? h('code', { id: 'coin-amount' }, `${p.coin_amount} ${p.coin}`) : '—'],
    ['Payment state', p.payment_state ?? '—'], ['Pay before', p.pay_before ? time(p.pay_before) : '—'],
    ['Time left', timer], ['QR text', p.qr_text ? h('code', {}, p.qr_text) : '—']]);
  clearInterval(countdown);
  if (p.pay_before && o.state === 'WaitingForPayment') {
    countdown = setInterval(() => { timer.textContent = remaining(p.pay_before); }, 1000);
  }
  $('#deliveries tbody').replaceChildren(...(o.deliveries ?? []).map((d) => h('tr', {},
    h('td', {}, d.brand_name), h('td', {}, d.country_code), h('td', { class: 'num' }, d.denomination),
    h('td', { class: 'num' }, d.quantity), h('td', {}, d.delivery_state ?? '—'))));
  $('#resolve').hidden = !(can(who, 'admin') && o.state === 'SubmissionUncertain');
}

function transition(event) {
  const data = JSON.parse(event.data).data;
  if ($(`#timeline li[data-sequence="${data.sequence}"]`)) return;
  $('#timeline').append(h('li', { 'data-sequence': data.sequence, 'data-state': data.to_state },
    h('span', { class: 'seq' }, `#${data.sequence}`), ' ', stateBadge(data.to_state), ' ',
    h('span', { class: 'source' }, `from ${data.from_state ?? 'nothing'} · ${data.source} · `), time(data.occurred_at)));
  if (data.order && (!order || data.sequence >= order.sequence)) render(data.order);
}

try {
  render(await api(`/orders/${encodeURIComponent(id)}`));
  if (can(who, 'admin')) $('#resolve-forms').replaceChildren(...resolveForms(id, render));
  if (can(who, 'orders:secrets')) {
    $('#reveal').hidden = false;
    $('#reveal-note').hidden = false;
    $('#reveal').addEventListener('click', (e) => act(e.target, reveal));
  }
  const labels = { live: 'live', reconnecting: 'reconnecting…', ended: 'final' };
  await stream(`/orders/${encodeURIComponent(id)}/events`, (event) => {
    if (event.event === 'transition') transition(event);
  }, { onState: (s) => { $('#live').textContent = labels[s]; $('#live').dataset.state = s; } });
} catch (e) {
  fail(e);
}

async function reveal() {
  const answer = await api(`/orders/${encodeURIComponent(id)}/deliveries`);
  $('#redemption').replaceChildren(...answer.items.map((d) => h('section', { class: 'redeemed' },
    h('h3', {}, `${d.brand_name} ${d.denomination} × ${d.quantity}`),
    d.redemption ? h('dl', { class: 'facts' }, Object.entries(d.redemption).flatMap(([k, v]) =>
      [h('dt', {}, k), h('dd', {}, h('code', {}, typeof v === 'string' ? v : JSON.stringify(v)))]))
      : h('p', {}, 'No redemption data yet.'))));
}
