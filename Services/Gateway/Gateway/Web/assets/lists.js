// Pieces the page modules share for showing records: a paged `{items, nextCursor}` list with "More", a
// table, a definition list of facts, a status badge, text with line breaks.

import {h, replace, label} from './dom.js';
import {actionButton} from './forms.js';

/**
 * A `{items, nextCursor}` list: `load(cursor)` reads a page, `draw(item)` makes its node (an `li`, or a
 * `tr` when `list` is a table() whose body takes them); "More" reads the next page. Returns a holder with
 * the list, or the `empty` text when there is nothing.
 */
export async function pagedList({load, draw, empty, list = h('ul', {class: 'cards'})}) {
  const first = await load();
  const holder = h('div', {class: 'stack'});
  if (!first.items.length) return replace(holder, h('p', {class: 'muted'}, empty));
  const target = list.tBodies?.[0] ?? list;
  let cursor;
  const more = actionButton('More', async () => show(await load(cursor)), {className: 'secondary'});
  const show = (page) => {
    target.append(...page.items.map(draw));
    cursor = page.nextCursor;
    more.hidden = !cursor;
  };
  show(first);
  return replace(holder, list, h('div', {class: 'actions'}, more));
}

/** A table row of cells. */
export function row(cells) {
  return h('tr', {}, cells.map((cell) => h('td', {}, cell)));
}

/** A table with column headers and `rows` (arrays of cells) in its body. */
export function table(columns, rows = []) {
  return h('table', {class: 'table'}, h('thead', {}, h('tr', {}, columns.map((column) => h('th', {scope: 'col'}, column)))),
    h('tbody', {}, rows.map(row)));
}

/** A definition list of [term, value] pairs; pairs without a value are left out. */
export function facts(pairs) {
  return h('dl', {class: 'facts'}, pairs.filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

/** A status in words (its label unless `text` is given), with its class for colour. */
export function statusBadge(code, text = label(code)) {
  return h('span', {class: `badge status-${code}`}, text);
}

/** Text with line breaks as paragraphs. */
export function lines(text) {
  return String(text).split(/\n+/).map((line) => h('p', {}, line));
}
