// A client for chime-local's control plane (/_chime-local/*) over fetch, no dependencies.
// The endpoints and their JSON are documented in docs/testing.md. An answer that is not 2xx
// rejects with ChimeLocalError (status, type, message), as the emulator sent them.

const PREFIX = '/_chime-local/';

export class ChimeLocalError extends Error {
  constructor(status, type, message, method = '', path = '') {
    super(`${method} ${path}: ${status} ${type}: ${message}`.trim());
    this.name = 'ChimeLocalError';
    Object.assign(this, { status, type, detail: message, method, path });
  }
}

function queryString(query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null) continue;
    params.set(k, v instanceof Date ? String(v.getTime() / 1000) : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The emulator's test clock: it only moves forward. */
export class ChimeLocalClock {
  #control;
  constructor(control) { this.#control = control; }
  /** {now: epoch seconds, offsetSeconds} */
  get() { return this.#control.call('GET', 'clock'); }
  async now() { return Number((await this.get()).now); }
  /** Moves forward; the answer's `expired` counts what expired on the way. */
  advance(seconds) { return this.#control.call('POST', 'clock', { body: { advanceSeconds: seconds } }); }
  /** Moves forward to `when` (a Date or epoch seconds). */
  async set(when) {
    const target = when instanceof Date ? when.getTime() / 1000 : Number(when);
    const delta = target - await this.now();
    if (delta < 0) {
      throw new RangeError(`the emulator's clock only moves forward: ${when} is ${(-delta).toFixed(3)} s in its past (reset() first)`);
    }
    return this.advance(delta);
  }
  /** Back to real time. */
  reset() { return this.#control.call('POST', 'clock', { body: { reset: true } }); }
}

export class ChimeLocalControl {
  constructor(endpoint, { timeoutMs = 30000 } = {}) {
    this.endpoint = String(endpoint).replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
    this.clock = new ChimeLocalClock(this);
  }

  /** One call: resolves with the parsed JSON (or the Response with raw: true). */
  async call(method, name, { body, query, raw = false, rawBody, acceptStatus = [] } = {}) {
    const path = PREFIX + name + queryString(query);
    const headers = {};
    let payload = rawBody;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] = 'application/json';
    } else if (rawBody !== undefined) {
      headers['content-type'] = 'application/octet-stream';
    }
    const res = await fetch(this.endpoint + path, {
      method, headers, body: payload, signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok && !acceptStatus.includes(res.status)) {
      const text = await res.text();
      let doc = {};
      try { doc = JSON.parse(text) ?? {}; } catch { /* not JSON */ }
      const type = (res.headers.get('x-amzn-errortype') ?? doc.Code ?? 'HTTPError').split(':')[0];
      throw new ChimeLocalError(res.status, type, doc.Message ?? doc.message ?? text.slice(0, 500), method, path);
    }
    if (raw) return res;
    const text = await res.text();
    return text ? JSON.parse(text) : null;
  }

  /** The health document; a degraded emulator (503, status "degraded") resolves too. */
  health() { return this.call('GET', 'health', { acceptStatus: [503] }); }
  operations() { return this.call('GET', 'operations'); }

  /** Everything (re-applying --seed-file unless seed: false), or one app instance. */
  reset({ appInstanceArn, seed = true } = {}) {
    if (appInstanceArn) return this.call('POST', 'reset', { query: { appInstanceArn } });
    return this.call('POST', 'reset', { query: seed ? {} : { seed: 'false' } });
  }

  /** Applies a seed (docs/testing.md "Seed files"), all or nothing. */
  seed(doc, { ifEmpty = false } = {}) {
    return this.call('POST', 'seed', { body: doc, query: ifEmpty ? { ifEmpty: 'true' } : {} });
  }

  /** The whole store as the bytes of a SQLite database file (a Uint8Array). */
  async snapshot() {
    const res = await this.call('GET', 'snapshot', { raw: true });
    return new Uint8Array(await res.arrayBuffer());
  }

  /** The PEM (a string) of the local CA that https:// and wss:// clients must trust. */
  async caPem() {
    const res = await this.call('GET', 'ca.pem', { raw: true });
    return res.text();
  }

  /** Replaces the whole store with a snapshot, atomically. */
  restore(bytes) { return this.call('PUT', 'snapshot', { rawBody: bytes }); }

  /** Adds a rule (resolves with it and its id) or a list of rules (resolves with all rules);
   * with accountId, rules without an "accountId" fault only that account's requests. */
  async addFault(rule, { accountId } = {}) {
    const answer = await this.call('POST', 'faults', { body: rule, query: { accountId } });
    return Array.isArray(rule) ? answer.faults : answer;
  }
  /** Every rule, or one account's ({accountId}). */
  async faults({ accountId } = {}) { return (await this.call('GET', 'faults', { query: { accountId } })).faults; }
  async removeFault(id) { await this.call('DELETE', `faults/${typeof id === 'object' ? id.id : id}`); }
  async clearFaults({ accountId } = {}) { await this.call('DELETE', 'faults', { query: { accountId } }); }

  /** No argument: the settings; else {enabled, quotas: {Name: rate}, reset}. */
  throttle({ enabled, quotas, reset = false } = {}) {
    const body = {};
    if (enabled !== undefined) body.enabled = enabled;
    if (quotas) body.quotas = quotas;
    if (reset) body.reset = true;
    return Object.keys(body).length ? this.call('POST', 'throttle', { body }) : this.call('GET', 'throttle');
  }

  /** The journaled AWS requests, newest first: {operation, status, bearer, channelArn, accountId, since, limit}. */
  async requests(filters = {}) { return (await this.call('GET', 'requests', { query: filters })).requests; }
  async clearRequests({ accountId } = {}) { await this.call('DELETE', 'requests', { query: { accountId } }); }

  /** The recorded messaging events, oldest first (no WebSocket needed): {channelArn, memberArn
   * (a recipient), type (a name or a list), after (a seq), accountId, limit, waitMs}. Each is
   * {seq, time, accountId, region, channelArn, recipients, eventType, messageType, payload, message}. */
  async events(filters = {}) { return (await this.#eventsPage(filters)).events; }
  #eventsPage({ type, eventType, ...filters } = {}) {
    const types = type ?? eventType;
    return this.call('GET', 'events', { query: { ...filters, type: Array.isArray(types) ? types.join(',') : types } });
  }
  /** Resolves with the first recorded event after `after` (default: any recorded) matching the
   * filters and predicate(event), long-polling until one is recorded; rejects after timeoutMs. */
  async waitForEvent({ predicate, timeoutMs = 10000, after = 0, ...filters } = {}) {
    const deadline = Date.now() + timeoutMs;
    let cursor = after;
    for (;;) {
      const left = deadline - Date.now();
      const page = await this.#eventsPage({ ...filters, after: cursor, waitMs: Math.max(0, Math.min(left, 25000)) });
      const found = page.events.find((e) => !predicate || predicate(e));
      if (found) return found;
      cursor = page.next;
      if (left <= 0) throw new Error(`no event matching ${JSON.stringify(filters)} within ${timeoutMs} ms`);
    }
  }
  /** Every recorded event, or one account's (sequence numbers go on). */
  async clearEvents({ accountId } = {}) { await this.call('DELETE', 'events', { query: { accountId } }); }

  /** Channel-flow invocations waiting for their ChannelFlowCallback, oldest first ({accountId}: that account's). */
  async flowInvocations({ accountId } = {}) {
    return (await this.call('GET', 'channel-flow-invocations', { query: { accountId } })).Invocations;
  }

  /** Plays the processor Lambda: awaits handler(event, undefined) for each waiting invocation
   * (the handler answers with ChannelFlowCallback). Resolves with how many ran. */
  async runFlowProcessor(handler) {
    const invocations = await this.flowInvocations();
    for (const invocation of invocations) await handler(invocation.Event, undefined);
    return invocations.length;
  }

  /** AppInstanceBot invocations waiting for their Lex answer, oldest first (docs/bots.md):
   * [{InvocationId, AppInstanceBotArn, ChannelArn, MessageId, Request}], Request being the Lex
   * RecognizeText request the bot sends. */
  async botInvocations({ accountId } = {}) {
    return (await this.call('GET', 'bot-invocations', { query: { accountId } })).Invocations;
  }

  /** Answers one as Lex would: a RecognizeText response or {error: {code, message}}; the bot replies. */
  async answerBotInvocation(invocationId, answer) {
    return this.call('POST', `bot-invocations/${encodeURIComponent(invocationId)}`, { body: answer });
  }

  /** Plays Lex: answers each waiting invocation (of {accountId}'s channels) with await handler(request).
   * Resolves with how many. */
  async runLexBot(handler, { accountId } = {}) {
    const invocations = await this.botInvocations({ accountId });
    for (const invocation of invocations) {
      await this.answerBotInvocation(invocation.InvocationId, await handler(invocation.Request));
    }
    return invocations.length;
  }
}
