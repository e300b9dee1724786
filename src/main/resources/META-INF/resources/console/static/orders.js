import { api } from './api.js';
import { $, h, time, utc, fail, status, stateBadge } from './dom.js';
import { page } from './layout.js';

const who = await page('orders:read');
const partner = $('#partner_id');
if (who.partner_id) {
  partner.value = who.partner_id;
  partner.readOnly = true;
}

let query = null;
let cursor = null;

export const amount = (order) => order.payment?.coin_amount ? `${order.payment.coin_amount} ${order.payment.coin}` : '—';

function row(order) {
  return h('tr', {},
    h('td', {}, time(order.created_at)),
    h('td', {}, h('a', { href: `/console/orders/${encodeURIComponent(order.id)}` }, order.id)),
    h('td', {}, order.partner_id),
    h('td', {}, order.client_reference ?? '—'),
    h('td', {}, stateBadge(order.state)),
    h('td', { class: 'num' }, amount(order)));
}

async function load(append) {
  const params = new URLSearchParams(query);
  if (append && cursor) params.set('cursor', cursor);
  try {
    const page = await api(`/orders?${params}`);
    const body = $('#orders tbody');
    if (!append) body.replaceChildren();
    body.append(...page.items.map(row));
    cursor = page.next_cursor ?? null;
    $('#more').hidden = !cursor;
    status(body.children.length ? '' : 'No orders match.');
  } catch (e) {
    fail(e);
  }
}

$('#search').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  query = new URLSearchParams({ limit: '25' });
  for (const name of ['partner_id', 'state', 'client_reference']) {
    const value = String(form.get(name) ?? '').trim();
    if (value) query.set(name, value);
  }
  for (const name of ['created_from', 'created_to']) {
    const value = utc(form.get(name));
    if (value) query.set(name, value);
  }
  load(false);
});
$('#more').addEventListener('click', () => load(true));
$('#search').requestSubmit();
