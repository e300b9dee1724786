import { api } from './api.js';
import { $, h, time, fail, status } from './dom.js';
import { page } from './layout.js';
import { resolveForms } from './resolve.js';

await page('admin');
let cursor = null;

function item(order) {
  const box = h('section', { class: 'card', 'data-order-id': order.id },
    h('h2', {}, h('a', { href: `/console/orders/${encodeURIComponent(order.id)}` }, order.client_reference ?? order.id)),
    h('p', {}, `Partner ${order.partner_id} · order ${order.id} · since `, time(order.updated_at)));
  box.append(...resolveForms(order.id, (resolved) => {
    box.replaceChildren(h('p', {}, `Order ${resolved.id} is now ${resolved.state}.`));
  }));
  return box;
}

async function load(append) {
  const params = new URLSearchParams({ state: 'SubmissionUncertain', limit: '20' });
  if (append && cursor) params.set('cursor', cursor);
  try {
    const answer = await api(`/orders?${params}`);
    if (!append) $('#queue').replaceChildren();
    $('#queue').append(...answer.items.map(item));
    cursor = answer.next_cursor ?? null;
    $('#more').hidden = !cursor;
    status($('#queue').children.length ? '' : 'No uncertain submissions.');
  } catch (e) {
    fail(e);
  }
}

$('#more').addEventListener('click', () => load(true));
load(false);
