// Builds DOM nodes. Every value becomes a text node or an attribute value set through the DOM,
// never HTML, so nothing a user typed can run as markup or script.

/** h('a', {href: '/x', class: 'btn', onclick: fn}, 'text', child, [more]) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else if (child instanceof Node) element.appendChild(child);
    else element.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces a node's children. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A link the router handles without a page load. */
export function link(href, ...children) {
  return h('a', {href}, ...children);
}

const dateFormat = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short'});
const dayFormat = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium'});

export function when(iso) {
  return iso ? dateFormat.format(new Date(iso)) : '';
}

export function day(iso) {
  return iso ? dayFormat.format(new Date(iso)) : '';
}

export function money(value) {
  if (!value) return '';
  const amount = value.amount ?? value.min;
  try {
    const format = new Intl.NumberFormat(undefined, {style: 'currency', currency: value.currency});
    if (value.max !== undefined && value.max !== value.min) return `${format.format(value.min)} – ${format.format(value.max)}`;
    return format.format(amount);
  } catch {
    return `${amount} ${value.currency}`;
  }
}

/** "supplier-not-verified" → "Supplier not verified" for codes shown as labels. */
export function label(code) {
  const text = String(code ?? '').replaceAll('-', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
