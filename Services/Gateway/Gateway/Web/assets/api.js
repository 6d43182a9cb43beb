// The one way the app talks to the gateway: JSON in and out, the session cookie sent by the
// browser (the app never sees the token), the CSRF token echoed on every change, an
// Idempotency-Key per change so a retry cannot apply twice, 503/504 retried with a visible
// notice, and every refusal turned into an ApiError carrying the problem document.

import {notify} from './notice.js';

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(); // no message of its own: the getter below composes it
    this.status = status;
    this.problem = problem ?? {title: `HTTP ${status}`, status};
    this.retryAfter = retryAfter;
  }

  get code() { return this.problem.code; }

  /** What a person reads: the problem's title and detail, or when to try again. */
  get message() {
    if (this.status === 429) {
      // A service's own reason to wait (a mail sent moments ago) says what happened; the rate limit does not.
      const reason = this.problem.code && this.problem.code !== 'rate-limited' ? this.problem.title : 'Too many requests';
      return `${reason}. Please try again in ${this.retryAfter ?? 'a few'} seconds.`;
    }
    if (this.status === 0) return 'The platform cannot be reached. Check your connection and try again.';
    const {title, detail, errors} = this.problem;
    // Field errors are shown next to their fields; the detail would only repeat them.
    return detail && !errors?.length ? `${title}: ${detail}` : title;
  }
}

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const retryDelays = [1000, 2000, 4000];
let onSignedOut = () => {};

/** Called with no arguments when the gateway says the session is gone (401). */
export function whenSignedOut(handler) { onSignedOut = handler; }

export function csrfToken() {
  const entry = document.cookie.split('; ').find((part) => part.startsWith('expo_csrf='));
  return entry ? decodeURIComponent(entry.slice('expo_csrf='.length)) : null;
}

/** api('GET', '/v1/search', {query: {q}}) → the parsed body, or null for 204. */
export async function api(method, path, {body, query, headers = {}, raw = false} = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
  }
  const requestHeaders = {Accept: 'application/json, application/problem+json', ...headers};
  if (body !== undefined) requestHeaders['Content-Type'] = 'application/json';
  if (unsafe.has(method)) {
    const csrf = csrfToken();
    if (csrf) requestHeaders['X-CSRF-Token'] = csrf;
    // One key for every attempt of this call: a retry after a lost answer replays, not repeats.
    requestHeaders['Idempotency-Key'] ??= crypto.randomUUID();
  }
  const init = {method, headers: requestHeaders, credentials: 'same-origin',
                body: body === undefined ? undefined : JSON.stringify(body)};
  for (let attempt = 0; ; attempt++) {
    let response;
    try {
      response = await fetch(url, init);
    } catch {
      if (attempt < retryDelays.length) { await pause(attempt, 'The platform cannot be reached'); continue; }
      throw new ApiError(0, null);
    }
    if ((response.status === 503 || response.status === 504) && attempt < retryDelays.length) {
      await pause(attempt, response.status === 503 ? 'The platform is busy' : 'The platform is slow to answer');
      continue;
    }
    if (attempt > 0) notify(null);
    if (response.ok) {
      if (raw) return response;
      return response.status === 204 ? null : response.json();
    }
    const problem = await response.json().catch(() => null);
    const error = new ApiError(response.status, problem, response.headers.get('Retry-After'));
    if (response.status === 401 && path !== '/v1/sessions') onSignedOut();
    throw error;
  }
}

/** A resource and its version (its ETag), for an edit that must not overwrite someone else's. */
export async function readVersioned(path) {
  const response = await api('GET', path, {raw: true});
  return {value: await response.json(), version: response.headers.get('ETag')};
}

/** PATCHes `path` only if it is still at `version`: a change made meanwhile (on another device, by
 * a colleague) gets 412 `precondition-failed` instead of being overwritten. The new value and version. */
export async function editVersioned(path, body, version) {
  const response = await api('PATCH', path, {body, raw: true, headers: version ? {'If-Match': version} : {}});
  return {value: await response.json(), version: response.headers.get('ETag')};
}

async function pause(attempt, reason) {
  const seconds = retryDelays[attempt] / 1000;
  notify(`${reason}; trying again in ${seconds} s…`);
  await new Promise((resolve) => setTimeout(resolve, retryDelays[attempt]));
}
