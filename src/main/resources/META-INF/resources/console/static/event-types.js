// GET /v1/event-types: each type with its schema (GET /v1/schemas/<file>, read when opened) and an example.
import { api } from './api.js';
import { $, h, fail } from './dom.js';
import { page } from './layout.js';

await page(null);

const schemas = new Map();
const pretty = (json) => JSON.stringify(json, null, 2);

/** The schema at `/v1/schemas/<file>`, read once per page. */
function schema(path) {
  if (!schemas.has(path)) schemas.set(path, api(path.replace(/^\/v1/, '')));
  return schemas.get(path);
}

function schemaBlock(label, path) {
  const code = h('code', { class: 'schema-example', tabindex: 0 }, '…');
  return { path, code, nodes: [h('h3', {}, `${label} `, h('a', { href: path }, path)), code] };
}

function typeEntry(t) {
  const blocks = [schemaBlock('Schema', t.schema)];
  if (t.schema_with_secrets) blocks.push(schemaBlock('Schema for include_secrets endpoints', t.schema_with_secrets));
  const details = h('details', { class: 'event-type', 'data-type': t.type },
    h('summary', {}, h('code', {}, t.type), ` · ${t.description}`),
    t.example ? [h('h3', {}, 'Example'), h('code', { class: 'schema-example example', tabindex: 0 }, pretty(t.example))]
      : h('p', { class: 'note' }, 'A subscription to every order event: each is one of the other types.'),
    ...blocks.flatMap((b) => b.nodes));
  details.addEventListener('toggle', () => {
    if (!details.open) return;
    for (const b of blocks) {
      schema(b.path).then((s) => { b.code.textContent = pretty(s); }).catch((e) => { b.code.textContent = e.message; });
    }
  });
  return details;
}

try {
  const answer = await api('/event-types');
  $('#types').replaceChildren(...answer.items.map(typeEntry));
} catch (e) {
  fail(e);
}
