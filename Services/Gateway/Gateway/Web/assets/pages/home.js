// The start page: a search box, and for a signed-in person their recommendations.

import {h} from '../dom.js';
import {api} from '../api.js';
import {route, navigate} from '../router.js';
import {session} from '../session.js';

function searchBox(value = '') {
  const input = h('input', {type: 'search', name: 'q', id: 'home-q', value});
  return h('form', {role: 'search', class: 'search-box', onsubmit: (event) => {
    event.preventDefault();
    navigate(`/search?q=${encodeURIComponent(input.value.trim())}`);
  }}, h('label', {for: 'home-q'}, 'Find machinery, electronics and their suppliers'), input, h('button', {type: 'submit'}, 'Search'));
}

route('/', {title: 'Online Expo', page: async () => {
  const parts = [h('p', {class: 'lead'}, 'Suppliers of machinery and electronics meet purchasers from around the world.'), searchBox()];
  if (session.account) {
    const recommendations = await api('GET', '/v1/me/recommendations').catch(() => null);
    if (recommendations?.items?.length) {
      parts.push(h('h2', {}, 'Recommended for you'), h('ul', {class: 'cards'}, recommendations.items.map((item) =>
        h('li', {}, h('a', {href: item.kind === 'product' ? `/products/${item.id}` : `/exhibitors/${item.id}`}, item.name),
          item.reason ? h('p', {class: 'muted'}, item.reason) : null))));
    }
  } else {
    parts.push(h('p', {}, h('a', {href: '/register'}, 'Register your company'), ' or ', h('a', {href: '/sign-in'}, 'sign in'), '.'));
  }
  return h('div', {}, parts);
}});
