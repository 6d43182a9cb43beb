// The signed-in person's notifications, newest first (all or unread only), each marked read on its
// own; new ones from the live feed are added on top while the screen is shown.

import {h, replace, link, when, label} from '../dom.js';
import {api} from '../api.js';
import {route} from '../router.js';
import {actionButton} from '../forms.js';
import {notify} from '../notice.js';
import {pagedList} from '../lists.js';

const typeNames = {
  'rfq-matched': 'Requirement for you',
  'quote-received': 'Quote received',
  'quote-decided': 'Quote decided',
  'rfq-expired': 'Requirement expired',
  'security-incident': 'Security notice',
};

/** The screen a notification is about, from the ids in its data. */
function target(data = {}) {
  if (data.complaintId) return `/complaints/${encodeURIComponent(data.complaintId)}`;
  if (data.rfqId) return `/rfqs/${encodeURIComponent(data.rfqId)}`;
  return null;
}

function item(notification, alert) {
  const href = target(notification.data);
  const state = h('span', {}, notification.readAt ? `Read ${when(notification.readAt)}` : 'Unread');
  const entry = h('li', {class: notification.readAt ? 'read' : 'unread'},
    h('p', {}, h('strong', {}, href ? link(href, notification.title) : notification.title)),
    h('p', {class: 'muted'}, typeNames[notification.type] ?? label(notification.type), ' · ', when(notification.createdAt), ' · ', state));
  if (!notification.readAt) {
    const button = actionButton('Mark read', async () => {
      await api('POST', `/v1/me/notifications/${encodeURIComponent(notification.id)}/read`);
      state.textContent = 'Read';
      entry.className = 'read';
      button.remove();
      dispatchEvent(new CustomEvent('badges'));
    }, {className: 'secondary', alert});
    entry.append(h('div', {class: 'actions'}, button));
  }
  return entry;
}

route('/notifications', {title: 'Notifications', access: 'signed-in', page: async ({query, alert}) => {
  const unread = query.get('unread') === 'true';
  const seen = new Set();
  const list = h('ul', {class: 'cards'});
  const holder = await pagedList({
    load: (cursor) => api('GET', '/v1/me/notifications', {query: {unread: unread ? 'true' : undefined, cursor}}),
    draw: (notification) => { seen.add(notification.id); return item(notification, alert); },
    empty: unread ? 'No unread notifications.' : 'No notifications yet.',
    list,
  });
  const root = h('div', {class: 'stack'},
    h('p', {class: 'actions'}, 'Show: ',
      h('a', {href: '/notifications', 'aria-current': unread ? null : 'page'}, 'All'),
      h('a', {href: '/notifications?unread=true', 'aria-current': unread ? 'page' : null}, 'Unread only')),
    holder);
  const onLive = (event) => {
    if (!root.isConnected) { removeEventListener('live', onLive); return; }
    const notification = event.detail?.data;
    if (event.detail?.type !== 'notification' || !notification?.id || seen.has(notification.id)) return;
    seen.add(notification.id);
    list.prepend(item(notification, alert));
    if (!list.isConnected) replace(holder, list);
    notify(`New notification: ${notification.title}`, 5);
  };
  addEventListener('live', onLive);
  return root;
}});
