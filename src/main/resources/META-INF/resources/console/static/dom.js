// Building the DOM from API data: text always goes in as text nodes, never as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (selector) => document.querySelector(selector);

/** A time in the viewer's zone, the UTC instant on hover. */
export function time(iso) {
  if (!iso) return '—';
  return h('time', { datetime: iso, title: `${iso} (UTC)` }, new Date(iso).toLocaleString());
}

/** A duration in milliseconds, rounded for reading: 850 ms, 12 s, 4 min 5 s, 3 h 20 min. */
export function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 1) return `${ms} ms`;
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** `<input type=datetime-local>` (the viewer's zone) to RFC 3339 UTC; null when empty. */
export function utc(localValue) {
  return localValue ? new Date(localValue).toISOString() : null;
}

/** A definition list of [term, value] pairs; values may be nodes. */
export function facts(dl, pairs) {
  dl.replaceChildren(...pairs.filter(([, v]) => v !== undefined).flatMap(([term, value]) =>
    [h('dt', {}, term), h('dd', {}, value ?? '—')]));
}

export function status(message, kind = 'info') {
  const el = $('#status');
  el.textContent = message || '';
  el.dataset.kind = kind;
}

export function fail(error) {
  status(error.message || String(error), 'error');
}

/** Runs an action from a button, reporting its failure on the page; the button is disabled meanwhile. */
export async function act(button, action) {
  button.disabled = true;
  try {
    await action();
  } catch (e) {
    fail(e);
  } finally {
    button.disabled = false;
  }
}

export function copyButton(button, textOf) {
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(textOf());
      status('Copied to the clipboard');
    } catch (e) {
      status('Copying failed: select the text and copy it', 'error');
    }
  });
}

export const stateBadge = (state) => h('span', { class: `state state-${String(state).toLowerCase()}` }, state);
