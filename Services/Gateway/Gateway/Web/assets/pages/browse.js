// What everyone browses: search with facets (typo-tolerant on the server), exhibitor showcases
// and product pages, with follow and "send an inquiry" for signed-in purchasers.

import {h, replace, money, day} from '../dom.js';
import {api} from '../api.js';
import {route, navigate} from '../router.js';
import {session} from '../session.js';
import {form, actionButton} from '../forms.js';
import {categoryName} from '../categories.js';

/** The snippet with the server's highlight ranges (UTF-16 offsets, as JavaScript counts) marked. */
function snippet(text, highlights) {
  const parts = [];
  let at = 0;
  for (const {offset, length} of [...highlights].sort((a, b) => a.offset - b.offset)) {
    if (offset < at) continue;
    parts.push(text.slice(at, offset), h('mark', {}, text.slice(offset, offset + length)));
    at = offset + length;
  }
  parts.push(text.slice(at));
  return h('p', {class: 'snippet'}, parts);
}

function searchURL(query, changes) {
  const next = new URLSearchParams(query);
  next.delete('cursor');
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === '') next.delete(name); else next.set(name, value);
  }
  return `/search?${next}`;
}

function resultItem(result) {
  const href = result.kind === 'product' ? `/products/${result.id}` : `/exhibitors/${result.companyID}`;
  return h('li', {class: 'card'},
    h('h3', {}, h('a', {href}, result.name)),
    snippet(result.snippet, result.highlights),
    h('p', {class: 'muted'}, result.kind === 'product' ? `${result.companyName} · ` : '', result.country,
      result.verified ? h('span', {class: 'verified'}, ' · Verified') : null));
}

async function facetList(title, items, name, query, text) {
  if (!items.length) return null;
  const current = query.get(name);
  const links = await Promise.all(items.map(async (item) => {
    const value = item.id ?? item.code;
    const selected = current === value;
    return h('li', {}, h('a', {href: searchURL(query, {[name]: selected ? null : value}), 'aria-current': selected ? 'true' : null},
      `${await text(value)} (${item.count})`, selected ? ' ✕' : ''));
  }));
  return h('section', {class: 'facet', 'aria-label': title}, h('h2', {}, title), h('ul', {}, links));
}

route('/search', {title: 'Search', page: async ({query}) => {
  const kind = query.get('kind') || 'product';
  const input = h('input', {type: 'search', id: 'search-q', name: 'q', value: query.get('q') ?? ''});
  const box = h('form', {role: 'search', class: 'search-box', onsubmit: (event) => {
    event.preventDefault();
    navigate(searchURL(query, {q: input.value.trim()}));
  }}, h('label', {for: 'search-q'}, 'Search'), input, h('button', {type: 'submit'}, 'Search'));
  const tabs = h('p', {class: 'tabs'}, ['product', 'exhibitor'].map((value) =>
    h('a', {href: searchURL(query, {kind: value}), 'aria-current': value === kind ? 'page' : null}, value === 'product' ? 'Products' : 'Exhibitors')));
  const params = Object.fromEntries(query);
  const found = await api('GET', '/v1/search', {query: {...params, kind, limit: 20}});
  const results = h('ol', {class: 'cards results'}, found.results.map(resultItem));
  const more = h('div', {});
  const loadMore = (cursor) => {
    replace(more, cursor ? actionButton('More results', async () => {
      const page = await api('GET', '/v1/search', {query: {...params, kind, limit: 20, cursor}});
      results.append(...page.results.map(resultItem));
      loadMore(page.nextCursor);
    }, {className: 'secondary'}) : null);
  };
  loadMore(found.nextCursor);
  const facets = h('aside', {class: 'facets'},
    await facetList('Category', found.facets.category, 'category', query, categoryName),
    await facetList('Country', found.facets.country, 'country', query, (code) => code));
  return h('div', {}, box, tabs,
    h('p', {role: 'status', class: 'muted'}, `${found.totalIsExact ? '' : 'About '}${found.total} ${found.total === 1 ? 'result' : 'results'}`),
    h('div', {class: 'with-sidebar'}, facets, h('div', {}, found.results.length ? results : h('p', {}, 'Nothing matches. Try other words or fewer filters.'), more)));
}});

async function followButton(kind, id) {
  if (!session.account) return null;
  const follows = await api('GET', '/v1/me/follows', {query: {limit: 100}}).catch(() => ({items: []}));
  let following = follows.items.some((item) => item.kind === kind && item.id === id);
  const holder = h('span', {});
  const draw = () => replace(holder, actionButton(following ? 'Unfollow' : 'Follow', async () => {
    if (following) await api('DELETE', `/v1/me/follows/${kind}/${id}`);
    else await api('POST', '/v1/me/follows', {body: {kind, id}});
    following = !following;
    draw();
  }, {className: following ? 'secondary' : ''}));
  draw();
  return holder;
}

/** The inquiry form that opens a conversation with the company about `subject`. */
function inquiry(companyID, subject) {
  const account = session.account;
  if (!account) return h('p', {}, h('a', {href: `/sign-in?next=${encodeURIComponent(location.pathname)}`}, 'Sign in'), ' to send an inquiry.');
  if (account.company?.id === companyID || !account.capabilities.sendInquiries) return null;
  return h('section', {class: 'inquiry'}, h('h2', {}, 'Send an inquiry'), form({
    fields: [{name: 'text', label: 'Your message', type: 'textarea', required: true, rows: 5,
              hint: 'Quantities, specifications and delivery terms help the supplier answer.'}],
    submit: 'Send the inquiry',
    onSubmit: async ({text}) => {
      const conversation = await api('POST', '/v1/conversations', {body: {companyID, subject, text}});
      navigate(`/conversations/${conversation.id}`);
    },
  }));
}

route('/products/:id', {title: 'Product', page: async ({params}) => {
  const product = await api('GET', `/v1/products/${params.id}`);
  document.title = `${product.name} · Online Expo`;
  return h('article', {class: 'stack'},
    h('h2', {}, product.name),
    h('p', {}, 'By ', h('a', {href: `/exhibitors/${product.companyID}`}, product.companyName), ` · ${product.country}`,
      product.verified ? h('span', {class: 'verified'}, ' · Verified supplier') : null,
      product.status === 'draft' ? h('strong', {}, ' · Draft') : null),
    product.pictures.length ? h('div', {class: 'pictures'}, product.pictures.map((url) =>
      h('img', {src: url, alt: `Picture of ${product.name}`, loading: 'lazy', referrerpolicy: 'no-referrer'}))) : null,
    h('p', {class: 'price'}, money(product.price),
      product.minimumOrder ? ` · minimum order ${product.minimumOrder.quantity} ${product.minimumOrder.unit}` : ''),
    product.description ? h('p', {class: 'description'}, product.description) : null,
    product.specifications.length ? h('table', {class: 'table'}, h('caption', {}, 'Specifications'),
      h('tbody', {}, product.specifications.map((spec) => h('tr', {}, h('th', {scope: 'row'}, spec.name), h('td', {}, spec.value))))) : null,
    h('p', {class: 'muted'}, `Category: ${await categoryName(product.categoryID)} · updated ${day(product.updatedAt)}`),
    h('p', {class: 'actions'}, await followButton('product', product.id),
      session.account && session.account.company?.id !== product.companyID
        ? h('a', {href: `/complaints/new?againstCompanyID=${product.companyID}&kind=product&id=${product.id}`, class: 'muted'}, 'Report a problem with this supplier')
        : null),
    inquiry(product.companyID, {kind: 'product', id: product.id}));
}});

route('/exhibitors/:id', {title: 'Exhibitor', page: async ({params}) => {
  const exhibitor = await api('GET', `/v1/exhibitors/${params.id}`);
  document.title = `${exhibitor.name} · Online Expo`;
  const names = await Promise.all(exhibitor.categoryIDs.map(categoryName));
  return h('article', {class: 'stack'},
    h('h2', {}, exhibitor.name),
    h('p', {}, `${exhibitor.industry} · ${exhibitor.country}`,
      exhibitor.verified ? h('span', {class: 'verified'}, ' · Verified') : null,
      exhibitor.verificationUnderReview ? ' · company details under review' : ''),
    exhibitor.description ? h('p', {class: 'description'}, exhibitor.description) : null,
    h('dl', {class: 'facts'},
      names.length ? [h('dt', {}, 'Categories'), h('dd', {}, names.join(', '))] : null,
      exhibitor.mainMarkets.length ? [h('dt', {}, 'Main markets'), h('dd', {}, exhibitor.mainMarkets.join(', '))] : null,
      exhibitor.yearEstablished ? [h('dt', {}, 'Established'), h('dd', {}, String(exhibitor.yearEstablished))] : null,
      exhibitor.employees ? [h('dt', {}, 'Employees'), h('dd', {}, exhibitor.employees)] : null,
      exhibitor.website ? [h('dt', {}, 'Website'), h('dd', {}, h('a', {href: exhibitor.website, rel: 'noopener noreferrer nofollow', target: '_blank'}, exhibitor.website))] : null,
      [h('dt', {}, 'Products'), h('dd', {}, String(exhibitor.productCount))]),
    h('p', {class: 'actions'}, await followButton('exhibitor', exhibitor.companyID)),
    inquiry(exhibitor.companyID, {kind: 'exhibitor', id: exhibitor.companyID}));
}});
