// The two ways an operator settles a SubmissionUncertain order (POST /v1/orders/{id}/resolve).
import { api } from './api.js';
import { h, status, act } from './dom.js';

export function resolveForms(orderId, onDone) {
  const link = h('form', { class: 'filters' },
    h('div', {}, h('label', { for: `link-${orderId}` }, 'Upstream order id'),
      h('input', { id: `link-${orderId}`, name: 'upstream_order_id', required: true })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Link upstream order')));
  const reject = h('form', { class: 'filters' },
    h('div', {}, h('label', { for: `reason-${orderId}` }, 'Reason (optional)'),
      h('input', { id: `reason-${orderId}`, name: 'reason', maxlength: '500' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Reject: never reached upstream')));
  const send = (form, body) => form.addEventListener('submit', (e) => {
    e.preventDefault();
    act(form.querySelector('button'), async () => {
      onDone(await api(`/orders/${encodeURIComponent(orderId)}/resolve`, { method: 'POST', body: body(new FormData(form)) }));
      status('Resolved');
    });
  });
  send(link, (f) => ({ upstream_order_id: String(f.get('upstream_order_id')).trim() }));
  send(reject, (f) => ({ state: 'Rejected', reason: String(f.get('reason')).trim() || undefined }));
  return [link, reject];
}
