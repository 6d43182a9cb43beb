// A small History-API router: paths like the mailed links (/verify-email?token=…,
// /conversations/{id}) open the same screen they name; same-origin link clicks navigate without
// a page load.

const routes = [];
let render = () => {};

/** route('/products/:id', {title, page: async ({params, query}) => Node, access: 'signed-in' | role}) */
export function route(pattern, definition) {
  const names = [];
  const source = pattern.replace(/:([a-zA-Z]+)/g, (_, name) => { names.push(name); return '([^/]+)'; });
  routes.push({pattern, regex: new RegExp(`^${source}/?$`), names, ...definition});
}

export function match(path) {
  for (const candidate of routes) {
    const found = candidate.regex.exec(path);
    if (found) {
      const params = Object.fromEntries(candidate.names.map((name, index) => [name, decodeURIComponent(found[index + 1])]));
      return {route: candidate, params};
    }
  }
  return null;
}

export function navigate(href, {replace = false} = {}) {
  const url = new URL(href, location.origin);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

/** Starts listening; `renderer` draws the screen for `location`. */
export function start(renderer) {
  render = renderer;
  addEventListener('popstate', () => render());
  document.addEventListener('click', (event) => {
    const anchor = event.target.closest?.('a[href]');
    if (!anchor || anchor.getAttribute('href').startsWith('#') || anchor.target || anchor.hasAttribute('download') || event.defaultPrevented) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(anchor.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/v1/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  render();
}
