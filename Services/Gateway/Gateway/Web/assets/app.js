// The app shell: navigation with unread badges, the screen for the current path, the live feed
// while signed in, and the cookie banner. Each screen module registers its own routes.

import {h, replace, link} from './dom.js';
import {api, whenSignedOut} from './api.js';
import {route, match, start, navigate} from './router.js';
import {session, loadSession, onSessionChange, signOut, forget, hasRole, isStaff} from './session.js';
import {connectLive, disconnectLive} from './live.js';
import {showError} from './forms.js';
import {showCookieBanner} from './consent.js';
import './pages/home.js';
import './pages/auth.js';
import './pages/account.js';
import './pages/catalogue.js';
import './pages/browse.js';
import './pages/conversations.js';
import './pages/rfqs.js';
import './pages/notifications.js';
import './pages/complaints.js';
import './pages/subscriptions.js';
import './pages/privacy.js';
import './pages/staff.js';

const badges = {messages: h('span', {class: 'badge', hidden: true}), notifications: h('span', {class: 'badge', hidden: true})};

function drawNav() {
  const account = session.account;
  const items = [link('/search', 'Search')];
  if (account) {
    items.push(link('/rfqs', 'Requirements'));
    items.push(h('a', {href: '/conversations'}, 'Messages', badges.messages));
    items.push(h('a', {href: '/notifications'}, 'Notifications', badges.notifications));
    if (account.roles.includes('supplier')) items.push(link('/my/catalogue', 'My catalogue'));
    items.push(link('/complaints', 'Complaints'));
    items.push(link('/account', 'Account'));
    if (isStaff()) items.push(link('/staff', 'Staff'));
    items.push(h('button', {type: 'button', class: 'link', onclick: async () => {
      await signOut().catch(() => {});
      navigate('/');
    }}, 'Sign out'));
  } else {
    items.push(link('/sign-in', 'Sign in'), link('/register', 'Register'));
  }
  replace(document.getElementById('nav'), h('ul', {}, items.map((item) => h('li', {}, item))));
}

export async function refreshBadges() {
  if (!session.account) return;
  const [unread, notifications] = await Promise.all([
    api('GET', '/v1/me/unread').catch(() => null),
    api('GET', '/v1/me/notifications', {query: {unread: 'true', limit: 50}}).catch(() => null),
  ]);
  setBadge(badges.messages, unread?.total ?? 0, 'unread messages');
  setBadge(badges.notifications, notifications?.items?.length ?? 0, 'unread notifications');
}

function setBadge(badge, count, what) {
  badge.hidden = count === 0;
  badge.textContent = count > 49 ? '50+' : String(count);
  badge.setAttribute('aria-label', `${count} ${what}`);
}

async function render() {
  const main = document.getElementById('main');
  const url = new URL(location.href);
  const found = match(url.pathname);
  const alert = h('div', {id: 'page-alert', class: 'form-alert', role: 'alert', hidden: true});
  if (!found) {
    document.title = 'Not found · Online Expo';
    replace(main, h('h1', {}, 'Page not found'), h('p', {}, 'Nothing lives at this address. ', link('/', 'Go to the start page')));
    main.focus();
    return;
  }
  const {route: screen, params} = found;
  if (screen.access && !session.account) {
    navigate(`/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`, {replace: true});
    return;
  }
  if (screen.access && screen.access !== 'signed-in' && ![].concat(screen.access).some(hasRole)) {
    replace(main, h('h1', {}, 'Not allowed'), h('p', {}, 'Your account does not have the role this screen needs.'));
    return;
  }
  const title = typeof screen.title === 'function' ? screen.title(params) : screen.title;
  document.title = `${title} · Online Expo`;
  replace(main, h('h1', {}, title), alert, h('p', {class: 'loading'}, 'Loading…'));
  main.setAttribute('aria-busy', 'true');
  try {
    const content = await screen.page({params, query: url.searchParams, alert});
    if (location.pathname !== url.pathname) return; // the person already went elsewhere
    replace(main, h('h1', {}, title), alert, content);
  } catch (error) {
    main.querySelector('.loading')?.remove();
    showError(error, alert);
  }
  main.removeAttribute('aria-busy');
  main.focus({preventScroll: true});
}

whenSignedOut(() => { if (session.account) forget(); });
onSessionChange((account) => {
  drawNav();
  if (account) {
    connectLive();
    refreshBadges();
  } else {
    disconnectLive();
  }
});
addEventListener('badges', () => refreshBadges());
addEventListener('live', (event) => {
  const type = event.detail.type;
  if (type === 'message.created' || type === 'message.read' || type === 'notification' || type === 'feed.reset') refreshBadges();
});

route('/sign-out', {title: 'Signing out', page: async () => { await signOut().catch(() => {}); navigate('/', {replace: true}); return h('p', {}, 'Signed out.'); }});

drawNav();
await loadSession();
drawNav();
start(render);
showCookieBanner();
