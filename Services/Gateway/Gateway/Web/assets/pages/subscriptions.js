// Mail preferences: the signed-in person's subscription per topic, the mailed double opt-in
// confirmation link, and the one-click unsubscribe landing page a mail's List-Unsubscribe link opens.

import {h, replace, link, when} from '../dom.js';
import {api, ApiError} from '../api.js';
import {route} from '../router.js';
import {form, actionButton} from '../forms.js';
import {notify} from '../notice.js';

/** Each topic's name and the wording the marketing service records as shown when the choice is made. */
const topics = {
  newsletter: ['Newsletter', 'Send me the Online Expo newsletter: new exhibitors, trade events and platform news, about twice a month.'],
  matchmaking: ['Matchmaking', "Mail me buyers and suppliers that match my company's products and purchasing requirements."],
  'event-reminders': ['Reminders', 'Remind me by mail of unread messages and of the events and meetings I signed up for.'],
  recommendations: ['Recommendations', 'Mail me product recommendations based on what I view and search for on Online Expo.'],
};
const statusTexts = {
  subscribed: 'Subscribed',
  pending: 'Waiting for your confirmation: we mailed you a link',
  unsubscribed: 'Unsubscribed',
};

function topicName(topic) {
  return topics[topic]?.[0] ?? topic;
}

function subscriptionRow(subscription, alert) {
  const set = (status) => async () => {
    const updated = await api('PUT', `/v1/me/subscriptions/${encodeURIComponent(subscription.topic)}`, {body: {status}});
    row.replaceWith(subscriptionRow(updated, alert));
    notify(updated.status === 'pending' ? 'We mailed you a link: the subscription starts when you open it (it works for 3 days).'
      : `${topicName(updated.topic)}: ${statusTexts[updated.status].toLowerCase()}.`, 6);
  };
  const actions = subscription.status === 'unsubscribed'
    ? [actionButton('Subscribe', set('subscribed'), {alert})]
    : [subscription.status === 'pending' ? actionButton('Mail the link again', set('subscribed'), {className: 'secondary', alert}) : null,
       actionButton('Unsubscribe', set('unsubscribed'), {className: 'secondary', alert})];
  const row = h('tr', {},
    h('td', {}, h('strong', {}, topicName(subscription.topic)), h('br'), h('span', {class: 'muted'}, topics[subscription.topic]?.[1])),
    h('td', {}, h('span', {class: `badge status-${subscription.status}`}, statusTexts[subscription.status] ?? subscription.status)),
    h('td', {}, when(subscription.changedAt)),
    h('td', {}, h('div', {class: 'actions'}, actions)));
  return row;
}

route('/settings/notifications', {title: 'Mail preferences', access: 'signed-in', page: async ({alert}) => {
  const subscriptions = await api('GET', '/v1/me/subscriptions');
  return h('div', {class: 'stack'},
    h('p', {}, 'Choose which mails Online Expo sends you. Unsubscribing applies at once. Where the law asks for your consent, ',
      'subscribing shows "Waiting for your confirmation" (pending): we mailed you a link, and the subscription starts when you open it ',
      'within 3 days.'),
    h('p', {class: 'muted'}, 'Mails about your account, your requests and security incidents are sent whatever you choose here.'),
    h('table', {class: 'table'},
      h('thead', {}, h('tr', {}, ['Mail', 'Status', 'Since', 'Change'].map((text) => h('th', {scope: 'col'}, text)))),
      h('tbody', {}, subscriptions.map((subscription) => subscriptionRow(subscription, alert)))),
    h('p', {}, link('/privacy', 'Privacy center'), ' · ', link('/cookies', 'Cookie preferences')));
}});

route('/confirm-subscription', {title: 'Confirm your subscription', page: async ({query}) => {
  const status = h('p', {role: 'status'}, 'Confirm that you want these mails from Online Expo.');
  return h('div', {class: 'stack'}, status, form({
    fields: [],
    submit: 'Confirm my subscription',
    onSubmit: async () => {
      try {
        await api('POST', `/v1/subscriptions/confirmations/${encodeURIComponent(query.get('token') ?? '')}`);
      } catch (error) {
        if (error.status !== 404) throw error;
        throw new ApiError(404, {title: 'This link is unknown, already used or expired (it works for 3 days). Subscribe again for a new one.'});
      }
      status.textContent = 'Thank you: you are subscribed. You can unsubscribe at any time, from any of these mails or your mail preferences.';
    },
  }), h('p', {}, link('/settings/notifications', 'Mail preferences'), ' (sign-in needed)'));
}});

/** RFC 8058 one-click unsubscribe: the form body mail clients send, without the session cookie. */
async function unsubscribe(token) {
  let response;
  try {
    response = await fetch(`/v1/unsubscribe/${encodeURIComponent(token)}`, {
      method: 'POST', credentials: 'omit', body: 'List-Unsubscribe=One-Click',
      headers: {'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json, application/problem+json',
                'Idempotency-Key': crypto.randomUUID()},
    });
  } catch {
    throw new ApiError(0, null);
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null), response.headers.get('Retry-After'));
  return response.json();
}

const unsubscribePage = async ({params, alert}) => {
  let described;
  try {
    described = await api('GET', `/v1/unsubscribe/${encodeURIComponent(params.token)}`, {headers: {Accept: 'application/json'}});
  } catch (error) {
    if (error.status !== 404) throw error;
    return h('p', {}, 'This unsubscribe link is damaged or not one of ours. You can choose your mails in your ',
      link('/settings/notifications', 'mail preferences'), ' (sign-in needed).');
  }
  const root = h('div', {class: 'stack'});
  const again = () => h('p', {}, 'Changed your mind? Subscribe again in your ', link('/settings/notifications', 'mail preferences'), ' (sign-in needed).');
  if (described.unsubscribed) {
    return replace(root, h('p', {role: 'status'}, `This address is already unsubscribed from ${topicName(described.topic).toLowerCase()} mails.`), again());
  }
  return replace(root,
    h('p', {}, `One click stops the ${topicName(described.topic).toLowerCase()} mails to the address this link was mailed to, at once. `,
      'No sign-in is needed.'),
    h('p', {class: 'muted'}, `What it stops: "${topics[described.topic]?.[1] ?? described.description}"`),
    h('div', {class: 'actions'}, actionButton('Unsubscribe', async () => {
      const done = await unsubscribe(params.token);
      replace(root, h('p', {role: 'status'}, `You are unsubscribed: no more ${topicName(done.topic).toLowerCase()} mails.`), again());
    }, {alert})));
};

route('/unsubscribe/:token', {title: 'Unsubscribe', page: unsubscribePage});
route('/v1/unsubscribe/:token', {title: 'Unsubscribe', page: unsubscribePage});
