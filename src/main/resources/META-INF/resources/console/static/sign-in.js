import { rememberKey, forget, hasKey, me, ApiError, can } from './api.js';
import { $, facts, status } from './dom.js';
import { showNav } from './layout.js';

const reasons = { refused: 'The API refused the key (revoked or unknown): you were signed out.' };
const reason = new URLSearchParams(location.search).get('signed_out');
if (reasons[reason]) status(reasons[reason], 'error');

function home(who) {
  if (can(who, 'orders:read')) return '/console/orders';
  if (can(who, 'webhooks:manage')) return '/console/webhooks';
  if (can(who, 'admin')) return '/console/operations';
  return null;
}

function show(who) {
  showNav(who);
  $('#sign-in').hidden = true;
  $('#signed-in').hidden = false;
  facts($('#me'), [['Key', who.name], ['Key id', who.key_id], ['Scopes', who.scopes.join(', ')],
    ['Partner', who.partner_id ?? 'every partner']]);
}

$('#sign-in').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = $('#key');
  rememberKey(input.value.trim());
  input.value = '';
  try {
    const who = await me();
    const next = home(who);
    if (next) location.assign(next); else show(who);
  } catch (err) {
    forget();
    status(err instanceof ApiError && err.status === 401 ? 'This key was refused.' : err.message, 'error');
  }
});

if (hasKey()) {
  me().then(show).catch(() => forget());
}
