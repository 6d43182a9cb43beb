// The shipped category tree, read once: names for ids and options for selects.

import {api} from './api.js';

let loaded = null;

export function categories() {
  loaded ??= api('GET', '/v1/categories').catch((error) => { loaded = null; throw error; });
  return loaded;
}

/** [[id, 'Parent › Child']] sorted by that label, for a select. */
export async function categoryOptions() {
  const all = await categories();
  const byID = new Map(all.map((category) => [category.id, category]));
  const path = (category) => category.parentID && byID.has(category.parentID) ? `${path(byID.get(category.parentID))} › ${category.name}` : category.name;
  return all.map((category) => [category.id, path(category)]).sort((a, b) => a[1].localeCompare(b[1]));
}

export async function categoryName(id) {
  return (await categories()).find((category) => category.id === id)?.name ?? id;
}
