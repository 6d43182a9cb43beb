// Who is signed in. The session token lives in an HttpOnly cookie the gateway sets, out of
// reach of scripts; the app only knows the account `GET /v1/me` returns.

import {api, csrfToken} from './api.js';

export const session = {account: null};
const listeners = new Set();

export function onSessionChange(listener) { listeners.add(listener); }

function changed() { for (const listener of listeners) listener(session.account); }

/** Reads the account if the browser holds a session (the readable CSRF cookie says it may). */
export async function loadSession() {
  if (!csrfToken()) { session.account = null; return null; }
  try {
    session.account = await api('GET', '/v1/me');
  } catch {
    session.account = null;
  }
  changed();
  return session.account;
}

export async function signIn(email, password) {
  const created = await api('POST', '/v1/sessions', {body: {email, password}, headers: {'X-Session-Transport': 'cookie'}});
  session.account = created.account;
  changed();
  return created.account;
}

export async function signOut() {
  try {
    await api('DELETE', '/v1/sessions/current');
  } finally {
    forget();
  }
}

/** The gateway refused the session (expired, revoked): the app shows the signed-out state. */
export function forget() {
  session.account = null;
  changed();
}

export function refresh(account) {
  session.account = account;
  changed();
}

export function hasRole(role) {
  return Boolean(session.account?.roles?.includes(role));
}

export function isStaff() {
  return ['admin', 'support', 'marketing'].some(hasRole);
}
