// The console's only way to the server: the public /v1 API with the key from sessionStorage.
// The key never goes into a URL, a cookie or a log; a 401 on any call signs the console out.
const KEY = 'order-relay.console.key';
const ME = 'order-relay.console.me';

export const hasKey = () => sessionStorage.getItem(KEY) !== null;

export function rememberKey(key) {
  sessionStorage.setItem(KEY, key);
  sessionStorage.removeItem(ME);
}

export function forget() {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(ME);
}

/** Forgets the key and goes to the sign-in page; `reason` is a fixed word shown there. */
export function signOut(reason) {
  forget();
  location.assign(reason ? `/console?signed_out=${encodeURIComponent(reason)}` : '/console');
}

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function headers(extra) {
  return { ...extra, Authorization: `Bearer ${sessionStorage.getItem(KEY)}` };
}

async function checked(res) {
  if (res.status === 401) {
    signOut('refused');
    throw new ApiError(401, { detail: 'The API key was refused' });
  }
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch (e) { /* not a problem document */ }
    throw new ApiError(res.status, problem);
  }
  return res;
}

/** A JSON call to /v1; resolves with the parsed answer (null for 204), rejects with ApiError. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const extra = { Accept: 'application/json' };
  if (body !== undefined) extra['Content-Type'] = 'application/json';
  const res = await checked(await fetch(`/v1${path}`, {
    method, signal, cache: 'no-store', credentials: 'omit',
    headers: headers(extra), body: body === undefined ? undefined : JSON.stringify(body),
  }));
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** What the key may do: GET /v1/me, kept for the tab's session. */
export async function me() {
  const cached = sessionStorage.getItem(ME);
  if (cached) return JSON.parse(cached);
  const answer = await api('/me');
  sessionStorage.setItem(ME, JSON.stringify(answer));
  return answer;
}

export const can = (who, scope) => who.scopes.includes(scope);

/**
 * Server-Sent Events over fetch: EventSource cannot send an Authorization header. Calls onEvent({id, event, data})
 * per event; reconnects with Last-Event-ID when the stream ends without a `stop` event, as EventSource would.
 */
export async function stream(path, onEvent, { signal, onState = () => {} } = {}) {
  let lastId = null;
  for (;;) {
    let stopped = false;
    try {
      const extra = { Accept: 'text/event-stream' };
      if (lastId !== null) extra['Last-Event-ID'] = lastId;
      const res = await checked(await fetch(`/v1${path}`, { signal, cache: 'no-store', credentials: 'omit', headers: headers(extra) }));
      onState('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let event = {};
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
          if (line === '') {
            if (event.data !== undefined) {
              if (event.id !== undefined) lastId = event.id;
              if (event.event === 'stop') stopped = true;
              onEvent(event);
            }
            event = {};
          } else if (!line.startsWith(':')) {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            let text = colon < 0 ? '' : line.slice(colon + 1);
            if (text.startsWith(' ')) text = text.slice(1);
            if (field === 'data') event.data = event.data === undefined ? text : `${event.data}\n${text}`;
            else if (field === 'event' || field === 'id') event[field] = text;
          }
        }
      }
    } catch (e) {
      if (signal?.aborted || (e instanceof ApiError && e.status < 500 && e.status !== 429)) throw e;
    }
    if (stopped) { onState('ended'); return; }
    onState('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
