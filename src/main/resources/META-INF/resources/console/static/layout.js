// Every page but sign-in: needs a key, shows the navigation the key's scopes allow, wires sign-out.
import { hasKey, me, signOut, can } from './api.js';
import { $, fail } from './dom.js';

export async function page(requiredScope) {
  if (!hasKey()) {
    signOut();
    return new Promise(() => {});
  }
  let who;
  try {
    who = await me();
  } catch (e) {
    fail(e);
    throw e;
  }
  showNav(who);
  if (requiredScope && !can(who, requiredScope)) {
    fail(new Error(`This page needs the ${requiredScope} scope, which this key lacks.`));
    throw new Error('scope');
  }
  return who;
}

export function showNav(who) {
  for (const link of document.querySelectorAll('#nav a')) {
    link.hidden = link.dataset.scope ? !can(who, link.dataset.scope) : false;
    if (link.getAttribute('href') === location.pathname) link.setAttribute('aria-current', 'page');
  }
  $('#nav').hidden = false;
  $('#who-name').textContent = who.partner_id ? `${who.name} (partner ${who.partner_id})` : who.name;
  $('#who').hidden = false;
  $('#sign-out').addEventListener('click', () => signOut());
}
