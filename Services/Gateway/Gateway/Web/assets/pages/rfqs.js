// Purchasing requirements (RFQs) and quotes: a purchaser's own list and form, a supplier's matched
// list, and an RFQ's page (its quotes to accept or decline for the buyer, its own quote for a
// supplier).

import {h, replace, link, when, money} from '../dom.js';
import {api} from '../api.js';
import {route, navigate} from '../router.js';
import {session, hasRole} from '../session.js';
import {form, actionButton, moneyInput} from '../forms.js';
import {notify} from '../notice.js';
import {categoryOptions, categoryName} from '../categories.js';
import {pagedList, table, facts, lines, statusBadge} from '../lists.js';

const numberFormat = new Intl.NumberFormat();

function quantity({amount, unit}) {
  return `${numberFormat.format(amount)} ${unit}`;
}

/** YYYY-MM-DD of the local day `days` from today, for a date input's bounds. */
function localDay(days) {
  const date = new Date();
  date.setDate(date.getDate() + days);
  return [date.getFullYear(), date.getMonth() + 1, date.getDate()].map((part) => String(part).padStart(2, '0')).join('-');
}

function conversationLink(companyID, rfqID, text) {
  return link(`/conversations/new?${new URLSearchParams({companyID, kind: 'rfq', id: rfqID})}`, text);
}

function complaintLink(companyID, quote) {
  return h('a', {href: `/complaints/new?${new URLSearchParams({againstCompanyID: companyID, kind: 'quote', id: quote.id})}`, class: 'muted'},
    'File a complaint about this quote');
}

route('/rfqs', {title: 'Purchasing requirements', access: 'signed-in', page: async () => {
  const supplier = hasRole('supplier');
  const list = await pagedList({
    load: (cursor) => api('GET', '/v1/rfqs', {query: {mine: supplier ? undefined : 'true', cursor}}),
    draw: (rfq) => h('tr', {},
      h('td', {}, link(`/rfqs/${rfq.id}`, rfq.title)),
      h('td', {}, statusBadge(rfq.status)),
      h('td', {}, when(rfq.deadline)),
      h('td', {}, quantity(rfq.quantity)),
      h('td', {}, supplier ? `${rfq.buyerName} (${rfq.buyerCountry})` : String(rfq.quoteCount))),
    empty: supplier ? 'No open requirements match your catalogue yet.' : 'You have posted no requirements yet.',
    list: table(['Title', 'Status', 'Quotes until', 'Quantity', supplier ? 'Buyer' : 'Quotes']),
  });
  return h('div', {class: 'stack'},
    supplier
      ? h('p', {}, 'Open requirements of purchasers that match your catalogue and markets.')
      : session.account.capabilities?.sendInquiries ? h('p', {class: 'actions'}, link('/rfqs/new', 'New requirement')) : null,
    list);
}});

route('/rfqs/new', {title: 'New purchasing requirement', access: 'signed-in', page: async () => {
  if (!session.account.capabilities?.sendInquiries) {
    return h('p', {}, 'Only purchasers post purchasing requirements. ', link('/rfqs', 'Back to the requirements'));
  }
  const options = await categoryOptions();
  return form({
    fields: [
      {name: 'title', label: 'Title', required: true, placeholder: 'e.g. 2,000 gear pumps for tractors', hint: 'At most 200 characters.'},
      {name: 'categoryID', label: 'Category', type: 'select', required: true, options: [['', 'Choose a category'], ...options]},
      {name: 'description', label: 'Description', type: 'textarea', hint: 'Specifications, standards, packaging; at most 5000 characters.'},
      {name: 'quantity.amount', label: 'Quantity', type: 'number', required: true, min: 0, step: 'any'},
      {name: 'quantity.unit', label: 'Unit', required: true, placeholder: 'pieces'},
      {name: 'targetPrice.amount', label: 'Target price per unit', type: 'number', min: 0, step: 'any', hint: 'Optional; give its currency too.'},
      {name: 'targetPrice.currency', label: 'Currency of the target price', placeholder: 'USD', hint: 'ISO 4217 code such as USD, EUR or CNY.'},
      {name: 'destinationCountry', label: 'Destination country (two-letter code)', required: true, value: session.account.company?.country,
       placeholder: 'NG', hint: 'ISO 3166 code such as DE, CN or NG; suppliers serving it are matched.'},
      {name: 'deadline', label: 'Quotes until', type: 'date', required: true, min: localDay(0), max: localDay(365),
       hint: 'Quotes are taken until the end of this day (your time), at most a year ahead.'},
    ],
    submit: 'Post the requirement',
    onSubmit: async (values) => {
      const created = await api('POST', '/v1/rfqs', {body: {
        title: values.title,
        categoryID: values.categoryID,
        description: values.description,
        quantity: {amount: values['quantity.amount'], unit: values['quantity.unit']},
        targetPrice: moneyInput(values['targetPrice.amount'], values['targetPrice.currency']),
        destinationCountry: values.destinationCountry,
        deadline: values.deadline && new Date(`${values.deadline}T23:59:59`).toISOString(),
      }});
      const count = created.matchedSuppliers ?? 0;
      notify(`Your requirement is posted and went to ${count} matching ${count === 1 ? 'supplier' : 'suppliers'}.`, 6);
      navigate(`/rfqs/${created.id}`);
    },
  });
}});

route('/rfqs/:id', {title: 'Purchasing requirement', access: 'signed-in', page: async ({params, alert}) => {
  const root = h('div', {class: 'stack'});
  const path = `/v1/rfqs/${encodeURIComponent(params.id)}`;
  const draw = async () => {
    const [rfq, quotes] = await Promise.all([api('GET', path), api('GET', `${path}/quotes`)]);
    const category = await categoryName(rfq.categoryID).catch(() => rfq.categoryID);
    const owner = rfq.buyerCompanyID === session.account.company?.id;
    replace(root, details(rfq, category),
      owner ? buyerPart(rfq, quotes.items, path, draw, alert) : hasRole('supplier') ? supplierPart(rfq, quotes.items[0], path, draw) : null);
  };
  await draw();
  return root;
}});

function details(rfq, category) {
  return h('section', {class: 'stack'},
    h('h2', {}, rfq.title),
    facts([
      ['Status', statusBadge(rfq.status)],
      ['Buyer', `${rfq.buyerName} (${rfq.buyerCountry})`],
      ['Category', category],
      ['Quantity', quantity(rfq.quantity)],
      ['Target price per unit', money(rfq.targetPrice)],
      ['Destination', rfq.destinationCountry],
      ['Quotes until', when(rfq.deadline)],
      ['Quotes received', String(rfq.quoteCount)],
      ['Sent to', rfq.matchedSuppliers === undefined ? null : `${rfq.matchedSuppliers} matching suppliers`],
      ['Posted', when(rfq.createdAt)],
    ]),
    rfq.description ? lines(rfq.description) : null);
}

function quoteFacts(quote) {
  return facts([
    ['Status', statusBadge(quote.status)],
    ['Unit price', money(quote.unitPrice)],
    ['Lead time', `${quote.leadTimeDays} days`],
    ['Terms', quote.terms],
    ['Last changed', when(quote.updatedAt)],
  ]);
}

/** The buyer's part: close the RFQ, and the quotes ranked by fit with accept / decline. */
function buyerPart(rfq, quotes, path, redraw, alert) {
  const decide = (quote, decision, text) => actionButton(text, async () => {
    if (!confirm(`${text} the quote of ${quote.supplierName}? This cannot be undone.`)) return;
    await api('POST', `${path}/quotes/${encodeURIComponent(quote.id)}/decision`, {body: {decision}});
    notify(`The quote of ${quote.supplierName} is ${decision === 'accept' ? 'accepted' : 'declined'}.`, 5);
    await redraw();
  }, {className: decision === 'accept' ? undefined : 'secondary', alert});
  const close = rfq.status === 'open' ? actionButton('Close the requirement', async () => {
    if (!confirm('Close the requirement? Suppliers can no longer quote; the quotes received can still be decided.')) return;
    await api('POST', `${path}/close`);
    notify('The requirement is closed.', 5);
    await redraw();
  }, {className: 'danger', alert}) : null;
  return h('section', {class: 'stack'},
    close ? h('div', {class: 'actions'}, close) : null,
    h('h2', {}, 'Quotes'),
    quotes.length ? h('ul', {class: 'cards'}, quotes.map((quote) => h('li', {class: 'stack'},
      h('p', {}, h('strong', {}, quote.supplierName), ` (${quote.supplierCountry}) · `, quote.verified ? 'Verified supplier' : 'Not verified',
        quote.fit ? ` · Rank ${quote.fit.rank}` : ''),
      quoteFacts(quote),
      quote.fit?.reasons?.length ? h('ul', {'aria-label': 'Why it ranks there'}, quote.fit.reasons.map((reason) => h('li', {}, reason))) : null,
      h('div', {class: 'actions'},
        quote.status === 'submitted' ? [decide(quote, 'accept', 'Accept'), decide(quote, 'decline', 'Decline')] : null,
        conversationLink(quote.supplierCompanyID, rfq.id, 'Message the supplier'),
        complaintLink(quote.supplierCompanyID, quote)))))
      : h('p', {class: 'muted'}, 'No quotes yet.'));
}

/** A supplier's part: its quote (revisable until decided while the RFQ is open) or the form to send one. */
function supplierPart(rfq, quote, path, redraw) {
  const open = rfq.status === 'open';
  const parts = [h('p', {class: 'actions'}, conversationLink(rfq.buyerCompanyID, rfq.id, 'Message the purchaser')), h('h2', {}, 'Your quote')];
  if (quote) {
    parts.push(quoteFacts(quote), h('p', {}, complaintLink(rfq.buyerCompanyID, quote)));
    if (open && quote.status === 'submitted') {
      parts.push(h('h3', {}, 'Revise your quote'), quoteForm(quote, 'Save the quote', async (body) => {
        await api('PATCH', `${path}/quotes/${encodeURIComponent(quote.id)}`, {body});
        notify('Your quote is saved.', 5);
        await redraw();
      }));
    }
  } else if (open) {
    parts.push(quoteForm({unitPrice: {currency: rfq.targetPrice?.currency}}, 'Send the quote', async (body) => {
      await api('POST', `${path}/quotes`, {body});
      notify('Your quote is sent to the purchaser.', 5);
      await redraw();
    }));
  } else {
    parts.push(h('p', {class: 'muted'}, 'This requirement takes no more quotes.'));
  }
  return h('section', {class: 'stack'}, parts);
}

function quoteForm(quote, submit, send) {
  return form({
    fields: [
      {name: 'unitPrice.amount', label: 'Unit price', type: 'number', required: true, min: 0, step: 'any', value: quote.unitPrice?.amount},
      {name: 'unitPrice.currency', label: 'Currency', required: true, placeholder: 'USD', value: quote.unitPrice?.currency,
       hint: 'ISO 4217 code such as USD, EUR or CNY.'},
      {name: 'leadTimeDays', label: 'Lead time in days', type: 'number', required: true, min: 1, max: 365, step: 1, value: quote.leadTimeDays},
      {name: 'terms', label: 'Terms', type: 'textarea', value: quote.terms, hint: 'Payment, delivery, warranty; at most 2000 characters.'},
    ],
    submit,
    onSubmit: (values) => send({
      unitPrice: moneyInput(values['unitPrice.amount'], values['unitPrice.currency']),
      leadTimeDays: values.leadTimeDays,
      terms: values.terms ?? '',
    }),
  });
}
