// Cookie choices (privacy policy, "cookies"): essential always on, analytics and
// personalization off until the person chooses. A visitor's choice is stored under the browser's
// random visitor id; once signed in it is merged into the account, and a substantial policy
// change asks again (`consentRequired`).

import {h, replace, day} from './dom.js';
import {api} from './api.js';
import {route} from './router.js';
import {session, onSessionChange, refresh} from './session.js';
import {form} from './forms.js';
import {notify} from './notice.js';

const visitorKey = 'expo.visitorId';
const choiceKey = 'expo.cookieChoice';

function visitorID() {
  let id = localStorage.getItem(visitorKey);
  if (!id) { id = crypto.randomUUID(); localStorage.setItem(visitorKey, id); }
  return id;
}

export function storedChoice() {
  try { return JSON.parse(localStorage.getItem(choiceKey)); } catch { return null; }
}

let policy = null;
async function currentPolicy() {
  policy ??= await api('GET', '/v1/privacy-policy');
  return policy;
}

/** Stores a choice for this browser and, when signed in, for the account. */
export async function saveChoice({analytics, personalization}) {
  const {version} = await currentPolicy();
  const body = {analytics, personalization, policyVersion: version};
  if (session.account) {
    await api('PUT', '/v1/me/consents', {body: {...body, visitorID: visitorID()}});
    refresh({...session.account, consentRequired: false});
  } else {
    await api('PUT', `/v1/consents/${visitorID()}`, {body});
  }
  localStorage.setItem(choiceKey, JSON.stringify({...body, at: new Date().toISOString()}));
  hideBanner();
}

async function needsChoice() {
  if (session.account) return session.account.consentRequired;
  const choice = storedChoice();
  if (!choice) return true;
  const {version} = await currentPolicy().catch(() => ({version: choice.policyVersion}));
  return choice.policyVersion !== version;
}

function hideBanner() {
  const banner = document.getElementById('cookie-banner');
  banner.hidden = true;
  banner.replaceChildren();
}

export async function showCookieBanner() {
  if (!(await needsChoice())) return hideBanner();
  const banner = document.getElementById('cookie-banner');
  const decide = (analytics, personalization) => async () => {
    try { await saveChoice({analytics, personalization}); notify('Your cookie choice is saved.', 4); } catch (error) { notify(error.message, 8); }
  };
  replace(banner,
    h('h2', {}, 'Cookies on Online Expo'),
    h('p', {}, 'Essential cookies keep you signed in and secure and are always on. Analytics (how the expo is used) and ',
      'personalization (recommendations from what you viewed) stay off unless you allow them.'),
    h('div', {class: 'actions'},
      h('button', {type: 'button', onclick: decide(true, true)}, 'Allow all'),
      h('button', {type: 'button', onclick: decide(false, false)}, 'Essential only'),
      h('a', {href: '/cookies', class: 'button secondary'}, 'Choose')));
  banner.hidden = false;
}

// A sign-in carries the browser's earlier choice into the account, and a new policy asks again.
onSessionChange((account) => {
  if (!account) return;
  const choice = storedChoice();
  if (choice && account.consentRequired && choice.policyVersion) {
    currentPolicy().then(({version}) => version === choice.policyVersion ? saveChoice(choice) : showCookieBanner())
      .catch(() => showCookieBanner());
  } else {
    showCookieBanner();
  }
});

route('/cookies', {title: 'Cookie preferences', page: async () => {
  const current = await currentPolicy();
  const record = session.account ? await api('GET', '/v1/me/consents').catch(() => null) : null;
  const choice = record ?? storedChoice() ?? {analytics: false, personalization: false};
  const saved = h('p', {role: 'status'});
  return h('div', {},
    h('p', {}, `Privacy policy version ${current.version}, last updated ${day(current.lastUpdated)}.`),
    form({
      fields: [
        {name: 'essential', label: 'Essential (sign-in, security, your cookie choice): always on', type: 'checkbox', value: true, disabled: true},
        {name: 'analytics', label: 'Analytics: count visits and searches, de-identified', type: 'checkbox', value: choice.analytics},
        {name: 'personalization', label: 'Personalization: recommendations from what you viewed', type: 'checkbox', value: choice.personalization},
      ],
      submit: 'Save my choice',
      onSubmit: async ({analytics, personalization}) => {
        await saveChoice({analytics, personalization});
        saved.textContent = 'Saved.';
      },
    }),
    saved);
}});
