// Complaints between companies: the list of one's own (as either party), filing one about a quote,
// requirement, conversation or product, and a complaint's page (also the mailed link) with its
// timeline, evidence and the steps the caller's side may take now.

import {h, replace, link, when, day, money, label} from '../dom.js';
import {api} from '../api.js';
import {route, navigate} from '../router.js';
import {form, moneyInput} from '../forms.js';
import {notify} from '../notice.js';
import {pagedList, table, facts, lines, statusBadge} from '../lists.js';

const categories = ['quality', 'delivery', 'payment', 'misrepresentation', 'fraud', 'other'];
const outcomes = ['refund', 'partial-refund', 'replacement', 'warning', 'dismissed'];
const subjectKinds = {quote: 'A quote', rfq: 'A purchasing requirement', conversation: 'A conversation', product: 'A product'};
const sides = {complainant: 'You filed it', respondent: 'Filed against your company', staff: 'Support staff'};
const closed = new Set(['resolved', 'decided', 'withdrawn']);

function subjectLink({kind, id}) {
  const text = subjectKinds[kind] ?? label(kind);
  const paths = {rfq: '/rfqs/', conversation: '/conversations/', product: '/products/'};
  return paths[kind] ? link(`${paths[kind]}${encodeURIComponent(id)}`, text) : text;
}

/** Who took a step, from the viewer's side. */
function party(name, viewer) {
  return name === viewer ? `${label(name)} (your side)` : label(name);
}

function proposalText(proposal, viewer) {
  return `${label(proposal.outcome)}${proposal.amount ? ` of ${money(proposal.amount)}` : ''}, proposed by ${party(proposal.proposedBy, viewer)}`
    + ` on ${when(proposal.proposedAt)}`;
}

async function companyName(id) {
  return api('GET', `/v1/companies/${encodeURIComponent(id)}`).then((card) => `${card.name} (${card.country})`, () => 'A company');
}

route('/complaints', {title: 'Complaints', access: 'signed-in', page: async () => {
  const list = await pagedList({
    load: (cursor) => api('GET', '/v1/complaints', {query: {cursor}}),
    draw: (complaint) => h('tr', {},
      h('td', {}, link(`/complaints/${complaint.id}`, `${label(complaint.category)}: ${subjectKinds[complaint.subject.kind] ?? label(complaint.subject.kind)}`)),
      h('td', {}, sides[complaint.viewerParty] ?? label(complaint.viewerParty)),
      h('td', {}, statusBadge(complaint.status), complaint.overdue ? ' (overdue)' : ''),
      h('td', {}, when(complaint.respondBy), complaint.respondedAt ? ' (answered)' : ''),
      h('td', {}, day(complaint.filedAt))),
    empty: 'No complaints yet.',
    list: table(['Complaint', 'Your side', 'Status', 'Respond by', 'Filed']),
  });
  return h('div', {class: 'stack'}, h('p', {class: 'actions'}, link('/complaints/new', 'File a complaint')), list);
}});

route('/complaints/new', {title: 'File a complaint', access: 'signed-in', page: async ({query}) => {
  const against = query.get('againstCompanyID') ?? undefined;
  const kind = query.get('kind');
  return h('div', {class: 'stack'},
    h('p', {}, against
      ? `Against ${await companyName(against)}. The company is asked to answer within a few days; either side may then escalate to our support staff.`
      : 'Open this form from the quote, requirement, conversation or product the complaint is about, so the company and subject are filled in.'),
    form({
      fields: [
        {name: 'againstCompanyID', label: 'Company id', required: true, value: against, hint: 'The id of the company you complain about.'},
        {name: 'subject.kind', label: 'About', type: 'select', required: true, value: kind,
         options: [['', 'Choose what it is about'], ...Object.entries(subjectKinds)]},
        {name: 'subject.id', label: 'Its id', required: true, value: query.get('id') ?? undefined},
        {name: 'category', label: 'Category', type: 'select', required: true,
         options: [['', 'Choose a category'], ...categories.map((category) => [category, label(category)])]},
        {name: 'description', label: 'What happened', type: 'textarea', required: true, rows: 6, hint: 'At most 4000 characters.'},
        {name: 'desiredOutcome', label: 'What you would like', type: 'textarea', hint: 'e.g. Replace the batch; at most 2000 characters.'},
        {name: 'concernsMinors', label: 'It concerns end buyers who may be minors', type: 'checkbox',
         hint: 'Then only our support staff see the description, not the other company.'},
      ],
      submit: 'File the complaint',
      onSubmit: async (values) => {
        const created = await api('POST', '/v1/complaints', {body: {
          againstCompanyID: values.againstCompanyID,
          subject: {kind: values['subject.kind'], id: values['subject.id']},
          category: values.category,
          description: values.description,
          desiredOutcome: values.desiredOutcome,
          concernsMinors: values.concernsMinors,
        }});
        notify('Your complaint is filed; the other company is asked to answer.', 6);
        navigate(`/complaints/${created.id}`);
      },
    }));
}});

route('/complaints/:id', {title: 'Complaint', access: 'signed-in', page: async ({params}) => {
  const root = h('div', {class: 'stack'});
  const path = `/v1/complaints/${encodeURIComponent(params.id)}`;
  const draw = async () => {
    const [complaint, timeline] = await Promise.all([api('GET', path), api('GET', `${path}/events`)]);
    const [complainant, respondent] = await Promise.all([companyName(complaint.complainantCompanyID), companyName(complaint.respondentCompanyID)]);
    const isParty = complaint.viewerParty === 'complainant' || complaint.viewerParty === 'respondent';
    const open = !closed.has(complaint.status);
    replace(root,
      summary(complaint, complainant, respondent),
      h('h2', {}, 'Timeline'), timelineTable(timeline.items, complaint.viewerParty),
      h('h2', {}, 'Evidence'), evidenceList(complaint),
      isParty && open ? evidenceForm(path, draw) : null,
      h('h2', {}, 'Next step'),
      !open ? h('p', {class: 'muted'}, 'This complaint is closed.')
        : isParty ? actionsForm(complaint, path, draw)
        : h('p', {class: 'muted'}, 'Support staff take escalated complaints in the staff screens.'));
  };
  await draw();
  return root;
}});

function summary(complaint, complainant, respondent) {
  const viewer = complaint.viewerParty;
  const decision = complaint.decision;
  return h('section', {class: 'stack'},
    facts([
      ['Status', [statusBadge(complaint.status), complaint.overdue ? ' (overdue)' : '']],
      ['Your side', sides[viewer] ?? label(viewer)],
      ['Filed by', complainant],
      ['Against', respondent],
      ['Category', label(complaint.category)],
      ['About', subjectLink(complaint.subject)],
      ['Filed', when(complaint.filedAt)],
      ['Answer due', when(complaint.respondBy)],
      ['Answered', when(complaint.respondedAt)],
      ['Either side may escalate from', complaint.status === 'negotiating' ? when(complaint.escalatableAt) : null],
      ['Goes to support staff if unresolved on', complaint.status === 'negotiating' ? when(complaint.negotiationEndsAt) : null],
      ['Escalated', when(complaint.escalatedAt)],
      ['Decision due', when(complaint.decideBy)],
      ['Open proposal', complaint.openProposal ? proposalText(complaint.openProposal, viewer) : null],
      ['Decision', decision ? `${label(decision.outcome)}${decision.amount ? ` of ${money(decision.amount)}` : ''} on ${when(decision.decidedAt)}` : null],
      ['Reason for the decision', decision?.reason],
      ['Closed', when(complaint.closedAt)],
      ['Desired outcome', complaint.desiredOutcome],
    ]),
    h('h2', {}, 'What happened'),
    complaint.description ? lines(complaint.description)
      : h('p', {class: 'muted'}, 'It concerns end buyers who may be minors: only our support staff see the description.'));
}

function timelineTable(events, viewer) {
  if (!events.length) return h('p', {class: 'muted'}, 'No steps yet.');
  return table(['#', 'When', 'Side', 'Step', 'Details', 'Status after'], events.map((event) => [
    String(event.sequence),
    when(event.at),
    party(event.party, viewer),
    label(event.kind),
    [event.text ? lines(event.text) : null, event.proposal ? h('p', {}, proposalText(event.proposal, viewer)) : null],
    statusBadge(event.status),
  ]));
}

function evidenceList(complaint) {
  if (!complaint.evidence.length) return h('p', {class: 'muted'}, 'No evidence yet.');
  const external = (url, text) => /^https:\/\//i.test(url) ? h('a', {href: url, rel: 'noopener noreferrer', target: '_blank'}, text) : text;
  return h('ul', {class: 'cards'}, complaint.evidence.map((evidence) => h('li', {class: 'stack'},
    h('p', {class: 'muted'}, party(evidence.party, complaint.viewerParty), ' · ', when(evidence.addedAt),
      evidence.concernsMinors ? ' · Concerns minors: shown to support staff only' : ''),
    evidence.description ? lines(evidence.description) : h('p', {class: 'muted'}, 'Its description is for support staff only.'),
    evidence.url ? h('p', {}, external(evidence.url, evidence.url)) : null,
    evidence.attachment ? h('p', {}, 'File: ', external(evidence.attachment.url, evidence.attachment.name),
      ` (${evidence.attachment.contentType}, ${Math.ceil(evidence.attachment.size / 1024)} KiB)`) : null)));
}

function evidenceForm(path, redraw) {
  return form({
    fields: [
      {name: 'description', label: 'Describe the evidence', type: 'textarea', required: true, hint: 'At most 4000 characters.'},
      {name: 'url', label: 'Link to it', type: 'url', placeholder: 'https://', hint: 'Optional; an https link to a photo or document hosted elsewhere.'},
      {name: 'concernsMinors', label: 'It concerns end buyers who may be minors', type: 'checkbox',
       hint: 'Then only our support staff (and you) see it.'},
    ],
    submit: 'Add the evidence',
    onSubmit: async (values) => {
      await api('POST', `${path}/evidence`, {body: values});
      notify('Your evidence is added.', 5);
      await redraw();
    },
  });
}

/** The actions the caller's side may take now (the service decides; a refusal shows in the form). */
function allowedActions(complaint) {
  const side = complaint.viewerParty;
  const negotiating = complaint.status === 'negotiating';
  const theirProposal = negotiating && complaint.openProposal && complaint.openProposal.proposedBy !== side;
  return [
    ['reply', 'Reply'],
    negotiating && ['propose', 'Propose an outcome'],
    theirProposal && ['accept', 'Accept their proposal (resolves the complaint)'],
    theirProposal && ['reject', 'Reject their proposal'],
    negotiating && Date.now() >= Date.parse(complaint.escalatableAt) && ['escalate', 'Escalate to support staff'],
    side === 'complainant' && ['withdraw', 'Withdraw the complaint'],
  ].filter(Boolean);
}

function actionsForm(complaint, path, redraw) {
  const actions = allowedActions(complaint);
  const proposing = actions.some(([action]) => action === 'propose');
  return form({
    fields: [
      {name: 'action', label: 'What you do', type: 'select', required: true, options: actions,
       hint: complaint.status === 'negotiating' && Date.now() < Date.parse(complaint.escalatableAt)
         ? `Either side may escalate to support staff from ${when(complaint.escalatableAt)}.` : undefined},
      {name: 'text', label: 'Message', type: 'textarea', hint: 'Needed for a reply, optional otherwise; at most 4000 characters.'},
      ...(proposing ? [
        {name: 'proposal.outcome', label: 'Proposed outcome', type: 'select',
         options: [['', 'Only when proposing'], ...outcomes.map((outcome) => [outcome, label(outcome)])]},
        {name: 'proposal.amount', label: 'Amount', type: 'number', min: 0, step: 'any', hint: 'Only for a refund or partial refund.'},
        {name: 'proposal.amount.currency', label: 'Currency of the amount', placeholder: 'USD', hint: 'ISO 4217 code such as USD, EUR or CNY.'},
      ] : []),
    ],
    submit: 'Send',
    onSubmit: async (values) => {
      if (values.action === 'withdraw' && !confirm('Withdraw the complaint? It is closed for good.')) return;
      await api('POST', `${path}/actions`, {body: {
        action: values.action,
        text: values.text,
        proposal: values.action === 'propose'
          ? {outcome: values['proposal.outcome'], amount: moneyInput(values['proposal.amount'], values['proposal.amount.currency'])}
          : undefined,
      }});
      notify('Done: the other side is told.', 5);
      await redraw();
    },
  });
}
