// A supplier's own showcase and catalogue: the exhibitor profile, the product list with its
// drafts, and the product editor (create, edit, publish, delete).

import {h, money, label} from '../dom.js';
import {api, readVersioned, editVersioned} from '../api.js';
import {route, navigate} from '../router.js';
import {session} from '../session.js';
import {form, actionButton} from '../forms.js';
import {categoryOptions} from '../categories.js';
import {notify} from '../notice.js';

const employees = ['', '1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000+'];
const list = (text) => text ? text.split(',').map((item) => item.trim()).filter(Boolean) : [];

route('/my/catalogue', {title: 'My catalogue', access: 'supplier', page: async ({alert}) => {
  const [products, exhibitor] = await Promise.all([
    api('GET', '/v1/me/products', {query: {limit: 100}}),
    api('GET', `/v1/exhibitors/${session.account.company.id}`).catch(() => null),
  ]);
  const canPublish = session.account.capabilities.publishProducts;
  return h('div', {class: 'stack'},
    canPublish ? null : h('p', {class: 'callout'}, 'Your company is not verified yet: you can prepare drafts, and publish once staff have approved it.'),
    h('p', {class: 'actions'}, h('a', {href: '/my/products/new', class: 'button'}, 'Add a product'),
      h('a', {href: '/my/showcase', class: 'button secondary'}, exhibitor ? 'Edit the showcase' : 'Set up the showcase'),
      exhibitor ? h('a', {href: `/exhibitors/${session.account.company.id}`}, 'See the public showcase') : null),
    h('h2', {}, 'Products'),
    products.items.length === 0 ? h('p', {}, 'No products yet.') : h('table', {class: 'table'},
      h('thead', {}, h('tr', {}, ['Name', 'Status', 'Price', 'Followers', ''].map((text) => h('th', {scope: 'col'}, text)))),
      h('tbody', {}, products.items.map((product) => h('tr', {},
        h('td', {}, h('a', {href: `/products/${product.id}`}, product.name)),
        h('td', {}, label(product.status), product.hidden ? ' (hidden: company not verified)' : ''),
        h('td', {}, money(product.price)),
        h('td', {}, String(product.followerCount ?? 0)),
        h('td', {class: 'actions'}, h('a', {href: `/my/products/${product.id}`}, 'Edit'),
          actionButton('Delete', async () => {
            if (!confirm(`Delete “${product.name}”?`)) return;
            await api('DELETE', `/v1/products/${product.id}`);
            navigate('/my/catalogue', {replace: true});
          }, {className: 'danger', alert})))))));
}});

route('/my/showcase', {title: 'Company showcase', access: 'supplier', page: async () => {
  const current = await api('GET', `/v1/exhibitors/${session.account.company.id}`).catch(() => ({}));
  return form({
    fields: [
      {name: 'description', label: 'About the company', type: 'textarea', value: current.description, rows: 6},
      {name: 'categoryIDs', label: 'Categories (ids, comma-separated)', value: (current.categoryIDs ?? []).join(', '), hint: 'e.g. cnc-lathes, industrial-robots'},
      {name: 'website', label: 'Website', type: 'url', value: current.website, placeholder: 'https://'},
      {name: 'yearEstablished', label: 'Year established', type: 'number', value: current.yearEstablished, min: 1800, max: 2100},
      {name: 'employees', label: 'Employees', type: 'select', value: current.employees ?? '', options: employees.map((value) => [value, value || 'Not said'])},
      {name: 'mainMarkets', label: 'Main markets (country codes, comma-separated)', value: (current.mainMarkets ?? []).join(', ')},
    ],
    submit: 'Save the showcase',
    onSubmit: async (values) => {
      await api('PUT', '/v1/me/exhibitor', {body: {...values, categoryIDs: list(values.categoryIDs),
        mainMarkets: list(values.mainMarkets).map((code) => code.toUpperCase()), employees: values.employees || undefined}});
      notify('The showcase is saved.', 4);
      navigate('/my/catalogue');
    },
  });
}});

/** The form for a new product (`product` null) or for editing one read at `version`. */
async function productForm(product, version) {
  const canPublish = session.account.capabilities.publishProducts;
  const specifications = (product?.specifications ?? []).map((spec) => `${spec.name}: ${spec.value}`).join('\n');
  return form({
    fields: [
      {name: 'name', label: 'Product name', required: true, value: product?.name},
      {name: 'categoryID', label: 'Category', type: 'select', required: true, value: product?.categoryID, options: await categoryOptions()},
      {name: 'description', label: 'Description', type: 'textarea', value: product?.description, rows: 6},
      {name: 'specifications', label: 'Specifications (one “name: value” per line)', type: 'textarea', value: specifications},
      {name: 'priceMin', label: 'Lowest unit price', type: 'number', step: '0.01', min: 0, value: product?.price?.min},
      {name: 'priceMax', label: 'Highest unit price', type: 'number', step: '0.01', min: 0, value: product?.price?.max},
      {name: 'currency', label: 'Currency', value: product?.price?.currency ?? 'USD', hint: 'ISO 4217 code such as USD, EUR or CNY.'},
      {name: 'orderQuantity', label: 'Minimum order quantity', type: 'number', min: 1, value: product?.minimumOrder?.quantity},
      {name: 'orderUnit', label: 'Unit', value: product?.minimumOrder?.unit ?? 'pieces'},
      {name: 'pictures', label: 'Picture addresses (https, one per line)', type: 'textarea', value: (product?.pictures ?? []).join('\n')},
      {name: 'keywords', label: 'Keywords (comma-separated)', value: (product?.keywords ?? []).join(', ')},
      {name: 'status', label: 'Status', type: 'select', value: product?.status ?? 'draft',
       options: [['draft', 'Draft (only your company sees it)'], ['published', canPublish ? 'Published' : 'Published (needs a verified company)']]},
    ],
    submit: product ? 'Save the product' : 'Create the product',
    onSubmit: async (values) => {
      const body = {
        name: values.name, categoryID: values.categoryID, description: values.description ?? null, status: values.status,
        specifications: (values.specifications ?? '').split('\n').map((line) => line.trim()).filter(Boolean).map((line) => {
          const at = line.indexOf(':');
          return at < 0 ? {name: line, value: ''} : {name: line.slice(0, at).trim(), value: line.slice(at + 1).trim()};
        }),
        price: values.priceMin === undefined ? null : {min: values.priceMin, max: values.priceMax ?? values.priceMin, currency: (values.currency ?? '').toUpperCase()},
        minimumOrder: values.orderQuantity === undefined ? null : {quantity: values.orderQuantity, unit: values.orderUnit ?? 'pieces'},
        pictures: (values.pictures ?? '').split('\n').map((line) => line.trim()).filter(Boolean),
        keywords: list(values.keywords),
      };
      const saved = product ? (await editVersioned(`/v1/products/${product.id}`, body, version)).value
        : await api('POST', '/v1/products', {body});
      notify(saved.status === 'published' ? 'The product is published.' : 'The draft is saved.', 4);
      navigate(`/products/${saved.id}`);
    },
  });
}

route('/my/products/new', {title: 'Add a product', access: 'supplier', page: async () => productForm(null)});
route('/my/products/:id', {title: 'Edit the product', access: 'supplier', page: async ({params}) => {
  const {value, version} = await readVersioned(`/v1/products/${params.id}`);
  return productForm(value, version);
}});
