import { api } from './api.js';
import { $, h, fail, status, act, copyButton } from './dom.js';
import { page } from './layout.js';
import { health, describe, rate } from './health.js';

const who = await page('webhooks:manage');
const partnerInput = $('#partner');
let partner = null;

const path = (p) => `/partners/${encodeURIComponent(p)}/webhook-endpoints`;

function row(endpoint) {
  const cells = { hour: h('td', {}, '…'), day: h('td', {}, '…'), failure: h('td', {}, '…') };
  health(partner, endpoint.id).then((r) => {
    cells.hour.textContent = rate(r.last_hour);
    cells.day.textContent = rate(r.last_day);
    cells.failure.replaceChildren(...describe(r.last_failure));
  }).catch(() => { cells.hour.textContent = cells.day.textContent = cells.failure.textContent = 'unknown'; });
  return h('tr', { 'data-endpoint-id': endpoint.id },
    h('td', {}, h('a', { href: `/console/webhooks/${encodeURIComponent(partner)}/${encodeURIComponent(endpoint.id)}` }, endpoint.url),
      endpoint.description ? h('div', { class: 'note' }, endpoint.description) : null),
    h('td', {}, endpoint.event_types ? endpoint.event_types.join(', ') : 'every event'),
    h('td', {}, endpoint.enabled ? 'enabled' : `disabled${endpoint.disabled_reason ? `: ${endpoint.disabled_reason}` : ''}`),
    cells.hour, cells.day, cells.failure);
}

async function load() {
  try {
    const answer = await api(path(partner));
    $('#endpoints tbody').replaceChildren(...answer.items.map(row));
    $('#endpoints-section').hidden = false;
    $('#create').hidden = false;
    status(answer.items.length ? '' : `Partner ${partner} has no endpoints yet.`);
  } catch (e) {
    fail(e);
  }
}

$('#partner-form').addEventListener('submit', (e) => {
  e.preventDefault();
  partner = partnerInput.value.trim();
  load();
});

$('#create').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const types = String(form.get('event_types')).split(',').map((t) => t.trim()).filter(Boolean);
  act(e.target.querySelector('button'), async () => {
    const created = await api(path(partner), { method: 'POST', body: {
      url: String(form.get('url')).trim(), description: String(form.get('description')).trim() || undefined,
      event_types: types.length ? types : undefined } });
    $('#secret').textContent = created.secret;
    $('#secret-box').hidden = false;
    e.target.reset();
    status('Endpoint created');
    await load();
  });
});
copyButton($('#copy-secret'), () => $('#secret').textContent);

if (who.partner_id) {
  partnerInput.value = who.partner_id;
  partnerInput.readOnly = true;
  $('#partner-form').requestSubmit();
}
