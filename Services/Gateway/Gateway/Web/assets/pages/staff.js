// Staff screens (roles admin, support, marketing): company verifications and staff roles, the
// complaint queue and decisions, reported conversations, marketing campaigns, data-protection
// requests with the audit trail and retention report, security incidents, the privacy policy and
// visit statistics.

import {h, replace, link, when, day, money, label} from '../dom.js';
import {api} from '../api.js';
import {route, navigate} from '../router.js';
import {session, hasRole} from '../session.js';
import {form, actionButton} from '../forms.js';
import {notify} from '../notice.js';
import {pagedList, row, table, facts, statusBadge} from '../lists.js';

const staffRoles = ['admin', 'support', 'marketing'];
const complaintStatuses = ['negotiating', 'escalated', 'under-review', 'resolved', 'decided', 'withdrawn'];
const outcomes = ['refund', 'partial-refund', 'replacement', 'warning', 'dismissed'];
const requestStatuses = ['unverified', 'in-progress', 'waiting-for-services', 'completed', 'partially-completed', 'denied',
                         'cancelled', 'expired'];
const openRequests = ['unverified', 'in-progress', 'waiting-for-services'];
const requestKinds = ['access', 'rectification', 'erasure', 'cancellation', 'restriction', 'objection', 'portability', 'withdraw-consent'];
const denialGrounds = ['national-security', 'public-interest', 'law-enforcement', 'vital-interests', 'made-public-by-subject',
                       'lawfully-disclosed', 'contract-performance', 'service-security', 'news-reporting', 'public-interest-research',
                       'required-by-law'];
const anyChoice = ['', 'Any'];
const pickChoice = ['', 'Choose…'];
const overdueChoices = [anyChoice, ['true', 'Overdue only'], ['false', 'Not overdue']];

/** [[value, text]] options for a select from codes, after the `first` ones. */
const choices = (codes, ...first) => [...first, ...codes.map((code) => [code, label(code)])];

const isMe = (id) => id !== undefined && id === session.account?.id;

/** An ISO time from a datetime-local value (the browser's time zone), undefined when blank. */
const iso = (value) => (value ? new Date(value).toISOString() : undefined);

/** Comma (or `separator`) separated text as a list, undefined when it names nothing. */
function list(text, separator = ',') {
  const items = (text ?? '').split(separator).map((item) => item.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

/** A local day, `offset` days from today, as a date input's value. */
function dayValue(offset = 0) {
  const date = new Date();
  date.setDate(date.getDate() + offset);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** `{from, to}` times for the days `from` up to and including `to` (date input values; either may be blank). */
function dayPeriod(from, to) {
  const end = to ? new Date(`${to}T00:00`) : null;
  end?.setDate(end.getDate() + 1);
  return {from: from ? iso(`${from}T00:00`) : undefined, to: end?.toISOString()};
}

/** Redraws the current screen after a change, with a short confirmation. */
function reload(message) {
  notify(message, 5);
  navigate(location.pathname + location.search, {replace: true});
}

/** A link to a page outside the platform (only https addresses become links). */
function outside(url, text) {
  return /^https:\/\//i.test(url) ? h('a', {href: url, target: '_blank', rel: 'noopener noreferrer nofollow'}, text) : `${text} (${url})`;
}

/** Reads the pages of a staff list, 20 items at a time (a pagedList's `load`). */
const pagesOf = (path, query = {}) => (cursor) => api('GET', path, {query: {...query, limit: 20, cursor}});

/** A form that sends `body(values)` to `path`, then redraws the screen saying `done`. */
function sendForm({method = 'POST', path, fields, submit, body = (values) => values, done}) {
  return form({fields, submit, onSubmit: async (values) => {
    await api(method, path, {body: body(values)});
    reload(done);
  }});
}

/** A sendForm folded under `summary`, for the actions on one item of a list. */
function folded(summary, options) {
  return h('details', {}, h('summary', {}, summary), sendForm({submit: summary, ...options}));
}

/** A filter form whose choices go into the address, so a reload or a shared link shows the same list. */
function filters(query, fields) {
  return form({fields: fields.map((field) => ({...field, value: query.get(field.name) ?? field.value})), submit: 'Show',
    onSubmit: async (values) => {
      const search = new URLSearchParams(Object.entries(values).filter(([, value]) => value !== undefined));
      navigate(`${location.pathname}?${search}`);
    }});
}

const screens = [];

/** Registers a staff screen and lists it on /staff for the roles it admits. */
function screen(path, title, access, about, page) {
  screens.push({path, title, access, about});
  route(path, {title, access, page});
}

route('/staff', {title: 'Staff', access: staffRoles, page: async () =>
  h('ul', {class: 'cards'}, screens.filter(({access}) => access.some(hasRole)).map(({path, title, about}) =>
    h('li', {}, h('h2', {}, link(path, title)), h('p', {class: 'muted'}, about))))});

// Verifications and staff roles (admin).

function accountCard(account) {
  const {company, verification} = account;
  return [
    h('h3', {}, company?.name ?? `${account.contactName} (no company)`),
    facts([
      ['Contact', account.contactName], ['Job title', account.title],
      ['Email', `${account.email}${account.emailVerified ? '' : ' (not confirmed yet)'}`], ['Telephone', account.telephone],
      ['Business type', company && label(company.businessType)], ['Industry', company?.industry], ['Country', company?.country],
      ['Registered', when(account.createdAt)], ['Verification', statusBadge(account.verificationStatus)],
      ['Last decision', verification &&
        `${label(verification.decision)}, ${when(verification.decidedAt)}${verification.reason ? `: ${verification.reason}` : ''}`],
      ['Verified until', day(account.verifiedUntil)], ['Roles', account.roles.map(label).join(', ')],
    ]),
    company ? folded('Approve or reject', {path: `/v1/admin/accounts/${account.id}/verification`, done: 'The decision is saved.', fields: [
      {name: 'decision', label: 'Decision', type: 'select', required: true, options: [pickChoice, ['approve', 'Approve'], ['reject', 'Reject']]},
      {name: 'reason', label: 'Reason', type: 'textarea', hint: 'Required to reject.'},
    ]}) : null,
    folded('Set staff roles', {method: 'PUT', path: `/v1/admin/accounts/${account.id}/roles`, done: 'The roles are saved.',
      fields: staffRoles.map((role) => ({name: role, label: label(role), type: 'checkbox', value: account.roles.includes(role)})),
      body: (values) => ({roles: staffRoles.filter((role) => values[role])})}),
  ];
}

screen('/staff/verifications', 'Company verifications', ['admin'], 'Approve or reject the companies waiting for verification; set staff roles.',
  async ({query}) => {
    const wanted = query.get('verificationStatus') ?? 'pending';
    return h('div', {class: 'stack'},
      filters(query, [{name: 'verificationStatus', label: 'Accounts', type: 'select', value: 'pending',
                       options: [...choices(['pending', 'approved', 'rejected', 'expired']), ['all', 'All accounts']]}]),
      await pagedList({load: pagesOf('/v1/admin/accounts', {verificationStatus: wanted === 'all' ? undefined : wanted}),
                       draw: (account) => h('li', {}, accountCard(account)), empty: 'No accounts with this status.'}));
  });

// Complaints (support or admin).

const assignee = (id) => (id ? (isMe(id) ? 'You' : id) : 'Nobody yet');
const outcomeText = (offer) => `${label(offer.outcome)}${offer.amount ? ` of ${money(offer.amount)}` : ''}`;
const subjectPages = {product: '/products/', rfq: '/rfqs/', conversation: '/conversations/'};

screen('/staff/complaints', 'Complaint queue', ['support', 'admin'], 'Escalated complaints to assign, review and decide.',
  async ({query}) => h('div', {class: 'stack'},
    filters(query, [
      {name: 'status', label: 'Status', type: 'select', options: choices(complaintStatuses, anyChoice)},
      {name: 'overdue', label: 'Deadline', type: 'select', options: overdueChoices},
    ]),
    await pagedList({load: pagesOf('/v1/admin/complaints', {status: query.get('status'), overdue: query.get('overdue')}),
      empty: 'No complaints match.', list: table(['Complaint', 'Status', 'Filed', 'Decide by', 'Deadline', 'Assigned to']),
      draw: (complaint) => row([link(`/staff/complaints/${complaint.id}`, `${label(complaint.category)} (${complaint.subject.kind})`),
        statusBadge(complaint.status), day(complaint.filedAt), when(complaint.decideBy), complaint.overdue ? 'Overdue' : 'On time',
        assignee(complaint.assignedTo)])})));

route('/staff/complaints/:id', {title: 'Complaint', access: ['support', 'admin'], page: async ({params, alert}) => {
  const path = `/v1/complaints/${encodeURIComponent(params.id)}`;
  const [complaint, timeline] = await Promise.all([api('GET', path), api('GET', `${path}/events`)]);
  const [complainant, respondent] = await Promise.all([complaint.complainantCompanyID, complaint.respondentCompanyID]
    .map((id) => api('GET', `/v1/companies/${id}`).then((company) => company.name, () => id)));
  const staffPath = `/v1/admin/complaints/${complaint.id}`;
  const open = complaint.status === 'escalated' || complaint.status === 'under-review';
  const {subject, decision, openProposal} = complaint;
  return h('div', {class: 'stack'},
    facts([
      ['Category', label(complaint.category)], ['Status', statusBadge(complaint.status)],
      ['About', subjectPages[subject.kind] ? link(subjectPages[subject.kind] + subject.id, `The ${subject.kind}`) : label(subject.kind)],
      ['Filed by', complainant], ['Against', respondent], ['Filed', when(complaint.filedAt)], ['Answer due', when(complaint.respondBy)],
      ['Answered', when(complaint.respondedAt)], ['Escalated', when(complaint.escalatedAt)], ['Decide by', when(complaint.decideBy)],
      ['Deadline', complaint.overdue ? 'Overdue' : 'On time'], ['Assigned to', assignee(complaint.assignedTo)],
      ['Concerns minors', complaint.concernsMinors ? 'Yes' : 'No'], ['Description', complaint.description],
      ['Desired outcome', complaint.desiredOutcome],
      ['Open proposal', openProposal && `${outcomeText(openProposal)}, by the ${openProposal.proposedBy}, ${when(openProposal.proposedAt)}`],
      ['Decision', decision && `${outcomeText(decision)}, ${when(decision.decidedAt)}: ${decision.reason}`],
      ['Closed', when(complaint.closedAt)],
    ]),
    h('h2', {}, 'Evidence'),
    complaint.evidence.length ? h('ul', {class: 'stack'}, complaint.evidence.map((item) => h('li', {},
      `${label(item.party)}, ${when(item.addedAt)}${item.concernsMinors ? ' (concerns minors)' : ''}: ${item.description ?? ''} `,
      item.url ? outside(item.url, 'Linked page') : null, ' ',
      item.attachment ? outside(item.attachment.url, `${item.attachment.name} (${item.attachment.contentType})`) : null)))
      : h('p', {class: 'muted'}, 'No evidence yet.'),
    h('h2', {}, 'Timeline'),
    timeline.items.length ? h('ol', {class: 'stack'}, timeline.items.map((event) => h('li', {},
      h('strong', {}, label(event.kind)), ` by the ${event.party}${isMe(event.actor) ? ' (you)' : ''}, ${when(event.at)}; `,
      `status ${label(event.status)}.`, event.proposal ? ` Proposal: ${outcomeText(event.proposal)}.` : '',
      event.text ? h('p', {}, event.text) : null)))
      : h('p', {class: 'muted'}, 'No steps yet.'),
    h('h2', {}, 'Staff notes'),
    complaint.staffNotes?.length ? h('ul', {class: 'stack'}, complaint.staffNotes.map((note) => h('li', {},
      h('p', {}, note.text), h('p', {class: 'muted'}, `${note.author ? assignee(note.author) : 'Someone'}, ${when(note.createdAt)}`))))
      : h('p', {class: 'muted'}, 'No notes yet.'),
    folded('Add a note', {path: `${staffPath}/notes`, done: 'The note is added.',
      fields: [{name: 'text', label: 'Note (staff only)', type: 'textarea', required: true}]}),
    open ? [
      h('h2', {}, 'Decision'),
      isMe(complaint.assignedTo) ? null : h('div', {class: 'actions'}, actionButton('Assign to me', async () => {
        await api('POST', `${staffPath}/assignment`);
        reload('The complaint is assigned to you.');
      }, {alert})),
      folded('Decide the complaint', {path: `${staffPath}/decision`, submit: 'Decide and close',
        done: 'The complaint is decided; both parties are told.', fields: [
          {name: 'outcome', label: 'Outcome', type: 'select', required: true, options: choices(outcomes, pickChoice)},
          {name: 'amount', label: 'Amount (refund or partial refund only)', type: 'number', min: 0, step: 0.01},
          {name: 'currency', label: 'Currency (with an amount)', value: openProposal?.amount?.currency, placeholder: 'EUR',
           hint: 'An ISO 4217 code such as EUR, USD or CNY.'},
          {name: 'reason', label: 'Reason (both parties read it)', type: 'textarea', required: true},
        ],
        body: ({amount, currency, ...rest}) => ({...rest, amount: amount === undefined ? undefined : {amount, currency}})}),
    ] : null);
}});

// Reported conversations (support).

screen('/staff/reports', 'Reported conversations', ['support'], 'Messages and conversations people reported.', async () =>
  pagedList({load: pagesOf('/v1/admin/reports'), empty: 'No reports.',
    list: table(['Reported', 'Reason', 'Conversation', 'Message', 'Reporting company']),
    draw: (report) => row([when(report.createdAt), report.reason, link(`/conversations/${report.conversationID}`, 'Open the conversation'),
      report.messageID ?? 'The whole conversation', report.companyID])}));

// Campaigns (marketing).

function audienceText(audience = {}) {
  const parts = [
    audience.businessTypes && audience.businessTypes.map(label).join(' or '),
    audience.industries && `in ${audience.industries.join(' or ')}`,
    audience.countries && `from ${audience.countries.join(', ')}`,
    audience.verifiedOnly && 'verified companies only',
    audience.followersOf && `following ${audience.followersOf}`,
    audience.activeWithinDays && `active within ${audience.activeWithinDays} days`,
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : 'Everyone subscribed to the topic';
}

const campaignChanges = {pause: ['Pause', 'paused'], resume: ['Resume', 'resumed'], cancel: ['Cancel', 'cancelled']};

function campaignCard(campaign, alert) {
  const {counts} = campaign;
  const size = h('p', {role: 'status'});
  const change = (action, className) => actionButton(campaignChanges[action][0], async () => {
    if (action === 'cancel' && !confirm(`Cancel “${campaign.name}” for good? The mails not sent yet are withdrawn.`)) return;
    await api('POST', `/v1/admin/campaigns/${campaign.id}/${action}`);
    reload(`The campaign is ${campaignChanges[action][1]}.`);
  }, {className, alert});
  const running = campaign.status === 'scheduled' || campaign.status === 'sending';
  return [
    h('h3', {}, campaign.name),
    facts([
      ['Status', statusBadge(campaign.status)], ['Topic', label(campaign.topic)], ['Language', campaign.language],
      ['Audience', audienceText(campaign.audience)], ['Sends from', when(campaign.sendAt)], ['Pace', `${campaign.maxPerSecond} mails a second`],
      ['Created', `${when(campaign.createdAt)}, ${campaign.source === 'queue' ? 'from the queue' : 'by staff'}`],
      ['Finished', when(campaign.finishedAt)],
      ['Queued for', `${counts.audience} people${campaign.audienceComplete ? '' : ' so far'}`], ['Sent', counts.sent],
      ['Failed', counts.failed], ['Bounced', counts.bounced], ['Not sent after all', counts.suppressed], ['Unsubscribed', counts.unsubscribed],
    ]),
    h('div', {class: 'actions'},
      actionButton('Audience size', async () => {
        const {size: people} = await api('GET', `/v1/admin/campaigns/${campaign.id}/audience`);
        size.textContent = `${people} ${people === 1 ? 'person' : 'people'} would be mailed now.`;
      }, {className: 'secondary', alert}),
      running ? change('pause', 'secondary') : null,
      campaign.status === 'paused' ? change('resume') : null,
      running || campaign.status === 'paused' ? change('cancel', 'danger') : null),
    size,
  ];
}

screen('/staff/campaigns', 'Campaigns', ['marketing'], 'Marketing mail campaigns: create, follow, pause, resume or cancel.',
  async ({alert}) => h('div', {class: 'stack'},
    folded('New campaign', {path: '/v1/admin/campaigns', submit: 'Schedule the campaign', done: 'The campaign is scheduled.', fields: [
      {name: 'name', label: 'Name', required: true},
      {name: 'topic', label: 'Topic', type: 'select', required: true, options: choices(['newsletter', 'matchmaking', 'recommendations'])},
      {name: 'subject', label: 'Subject', required: true, hint: 'Mustache: {{contactName}}, {{companyName}} are filled in per person.'},
      {name: 'html', label: 'HTML body', type: 'textarea', required: true, rows: 8, hint: 'Include {{unsubscribeURL}}.'},
      {name: 'text', label: 'Plain-text body', type: 'textarea', required: true, rows: 8, hint: 'Include {{unsubscribeURL}}.'},
      {name: 'language', label: 'Only people who read', type: 'select', options: [['', 'Any language'], ['en', 'English'], ['de', 'German']]},
      {name: 'audience.businessTypes', label: 'Business types', hint: 'Comma separated: supplier, purchaser, individual-purchaser. Empty: all.'},
      {name: 'audience.industries', label: 'Industries', hint: 'Comma separated. Empty: all.'},
      {name: 'audience.countries', label: 'Countries', placeholder: 'DE, NG', hint: 'Comma separated two-letter codes. Empty: all.'},
      {name: 'audience.verifiedOnly', label: 'Verified companies only', type: 'checkbox'},
      {name: 'audience.followersOf', label: 'Followers of (company id)', hint: 'People who follow this exhibitor or one of its products.'},
      {name: 'audience.activeWithinDays', label: 'Active within (days)', type: 'number', min: 1, max: 365},
      {name: 'sendAt', label: 'Send from', type: 'datetime-local', hint: 'Now when empty.'},
      {name: 'maxPerSecond', label: 'Mails a second', type: 'number', min: 1, max: 10000, placeholder: '200'},
    ], body: (values) => ({
      name: values.name, topic: values.topic, subject: values.subject, html: values.html, text: values.text, language: values.language,
      sendAt: iso(values.sendAt), maxPerSecond: values.maxPerSecond,
      audience: {businessTypes: list(values['audience.businessTypes']), industries: list(values['audience.industries']),
                 countries: list(values['audience.countries']), verifiedOnly: values['audience.verifiedOnly'] || undefined,
                 followersOf: values['audience.followersOf'], activeWithinDays: values['audience.activeWithinDays']},
    })}),
    h('h2', {}, 'Campaigns'),
    await pagedList({load: pagesOf('/v1/admin/campaigns'), empty: 'No campaigns yet.',
                     draw: (campaign) => h('li', {}, campaignCard(campaign, alert))})));

// Data-protection requests (support or admin); the audit trail and retention report (admin).

function requestCard(request) {
  const path = `/v1/admin/data-requests/${request.id}`;
  const started = request.status !== 'unverified';
  const open = openRequests.includes(request.status);
  return [
    h('h3', {}, `${label(request.kind)}${request.scope ? ` (${label(request.scope)})` : ''}${request.lifting ? ', lifting it' : ''}`),
    facts([
      ['Status', statusBadge(request.status)], ['Person (account id)', request.accountID], ['Arrived by', label(request.channel)],
      ['Received', when(request.receivedAt)], ['Due', when(request.dueAt)],
      ['Deadline', started ? (request.overdue ? 'Overdue' : 'On time') : 'Paused until the person confirms'],
      ['Confirm by', when(request.verifyBy)], ['Extended because', request.extensionReason],
      ['Denied', request.denial && `${label(request.denial.legalGround)}: ${request.denial.reason}`],
      ['Resolution', request.resolution], ['Completed', when(request.completedAt)],
      ['Export available until', when(request.exportAvailableUntil)],
      ['Services', request.parts.length ? h('ul', {}, request.parts.map((part) => h('li', {},
        `${part.service}: ${label(part.state)}, ${part.attempts} ${part.attempts === 1 ? 'attempt' : 'attempts'}`,
        part.answeredAt ? `, answered ${when(part.answeredAt)}` : '', part.reason ? ` (${part.reason})` : ''))) : undefined],
    ]),
    open && started ? folded('Extend the deadline', {path: `${path}/extension`, done: 'The deadline is extended.', fields: [
      {name: 'newDueAt', label: 'New deadline', type: 'datetime-local', required: true,
       hint: 'Later than the current one, at most three months after receipt.'},
      {name: 'reason', label: 'Reason (the person reads it)', type: 'textarea', required: true},
    ], body: (values) => ({...values, newDueAt: iso(values.newDueAt)})}) : null,
    open ? folded('Deny the request', {path: `${path}/denial`, done: 'The request is denied; the person is told.', fields: [
      {name: 'legalGround', label: 'Legal ground', type: 'select', required: true, options: choices(denialGrounds, pickChoice)},
      {name: 'reason', label: 'Reason (the person reads it)', type: 'textarea', required: true},
    ]}) : null,
    open && started && request.kind === 'rectification' ? folded('Record the correction', {path: `${path}/resolution`,
      done: 'The correction is recorded; the person is told.',
      fields: [{name: 'resolution', label: 'What was corrected', type: 'textarea', required: true}]}) : null,
  ];
}

function auditTrail() {
  const download = h('a', {download: true});
  const setPeriod = (from, to) => {
    download.setAttribute('href', `/v1/admin/audit-trail?${new URLSearchParams(dayPeriod(from, to))}`);
    replace(download, `Download the audit trail from ${from} to ${to} (CSV)`);
  };
  setPeriod(dayValue(-30), dayValue());
  return h('div', {class: 'stack'},
    form({fields: [
      {name: 'from', label: 'From (day)', type: 'date', required: true, value: dayValue(-30)},
      {name: 'to', label: 'Up to and including (day)', type: 'date', required: true, value: dayValue(), hint: 'At most 20,000 steps per file.'},
    ], submit: 'Set the period', onSubmit: async ({from, to}) => setPeriod(from ?? dayValue(-30), to ?? dayValue())}),
    h('p', {role: 'status'}, download));
}

function retentionReport(alert) {
  const holder = h('div', {class: 'stack'});
  return h('div', {class: 'stack'}, h('div', {class: 'actions'}, actionButton('Show the retention report', async () => {
    const report = await api('GET', '/v1/admin/retention-report');
    replace(holder,
      report.unreachable.length ? h('p', {}, `No answer from: ${report.unreachable.join(', ')}.`) : null,
      report.services.map((service) => [
        h('h3', {}, service.service),
        h('p', {class: 'muted'}, service.lastSweptAt ? `Last swept ${when(service.lastSweptAt)}.` : 'Not swept yet.'),
        service.rules.length ? table(['Rule', 'Removed by the last run', 'Last 30 days', 'Last 365 days'], service.rules.map((rule) =>
          [rule.name, rule.removedLastRun, rule.removedLast30Days, rule.removedLast365Days])) : h('p', {class: 'muted'}, 'No rules.'),
      ]));
  }, {className: 'secondary', alert})), holder);
}

screen('/staff/data-requests', 'Data-protection requests', ['support', 'admin'],
  'Requests about personal data: enter those that came by mail or phone, extend, deny or resolve them.', async ({query, alert}) =>
    h('div', {class: 'stack'},
      folded('Enter a request that arrived by mail, telephone or form', {path: '/v1/admin/data-requests', submit: 'Enter the request',
        done: 'The request is entered; the person is mailed a code to confirm it.', fields: [
          {name: 'kind', label: 'Kind', type: 'select', required: true, options: choices(requestKinds, pickChoice)},
          {name: 'scope', label: 'Objection to', type: 'select', hint: 'Only for an objection.',
           options: choices(['direct-marketing', 'profiling', 'legitimate-interest'], ['', 'Not an objection'])},
          {name: 'email', label: 'Registered email of the person', type: 'email', required: true},
          {name: 'channel', label: 'Arrived by', type: 'select', required: true, options: choices(['email', 'phone', 'form'], pickChoice)},
          {name: 'details', label: 'What is wrong', type: 'textarea', hint: 'Required for a rectification.'},
          {name: 'note', label: 'Note', type: 'textarea', hint: 'How and when it arrived.'},
        ]}),
      h('h2', {}, 'Queue'),
      filters(query, [
        {name: 'status', label: 'Status', type: 'select', options: choices(requestStatuses, anyChoice)},
        {name: 'overdue', label: 'Deadline', type: 'select', options: overdueChoices},
      ]),
      await pagedList({load: pagesOf('/v1/admin/data-requests', {status: query.get('status'), overdue: query.get('overdue')}),
                       draw: (request) => h('li', {}, requestCard(request)), empty: 'No requests match.'}),
      hasRole('admin') ? [h('h2', {}, 'Audit trail'), auditTrail(), h('h2', {}, 'Retention report'), retentionReport(alert)] : null));

// Security incidents (admin).

function incidentCard(incident, alert) {
  const path = `/v1/admin/incidents/${incident.id}`;
  const decision = incident.regulatorDecision;
  return [
    h('h3', {}, incident.title),
    facts([
      ['Discovered', when(incident.discoveredAt)], ['Recorded', when(incident.recordedAt)],
      ['Regulator decision', decision
        ? `${decision.notify ? 'Notify the authority' : 'Do not notify'} (${when(decision.decidedAt)}${decision.late ? ', late' : ''}): ${decision.reason}`
        : `Due ${when(incident.regulatorDueAt)}${incident.overdue ? ', overdue' : ''}`],
      ['Affected people told', incident.notifiedAt ? when(incident.notifiedAt) : 'Not yet'],
      ['Named accounts', incident.affected.accountIDs?.length || undefined], ['Affected group', incident.affected.criteria],
      ['What happened', incident.description], ['What was done', incident.measures], ['Advice to people', incident.advice],
    ]),
    incident.notifiedAt ? null : h('div', {class: 'actions'}, actionButton('Notify the affected people', async () => {
      if (!confirm('Mail every affected person and show the notice? This can be done once.')) return;
      await api('POST', `${path}/notifications`);
      reload('The affected people are being notified.');
    }, {alert})),
    decision ? null : folded('Decide on telling the regulator', {path: `${path}/regulator-decision`, done: 'The decision is recorded.',
      fields: [
        {name: 'notify', label: 'Decision', type: 'select', required: true,
         options: [pickChoice, ['true', 'Notify the supervisory authority'], ['false', 'Do not notify']]},
        {name: 'reason', label: 'Reason', type: 'textarea', required: true},
      ], body: ({notify: choice, reason}) => ({notify: choice === undefined ? undefined : choice === 'true', reason})}),
  ];
}

screen('/staff/incidents', 'Security incidents', ['admin'], 'Record incidents, notify the affected people, decide on the regulator.',
  async ({alert}) => h('div', {class: 'stack'},
    folded('Record an incident', {path: '/v1/admin/incidents', done: 'The incident is recorded; the regulator decision is due within 72 hours.',
      fields: [
        {name: 'title', label: 'Title', required: true},
        {name: 'discoveredAt', label: 'Discovered at', type: 'datetime-local', required: true},
        {name: 'description', label: 'What happened', type: 'textarea', required: true},
        {name: 'affected.accountIDs', label: 'Affected account ids', type: 'textarea', hint: 'Separated by commas, spaces or lines.'},
        {name: 'affected.criteria', label: 'Affected group', type: 'textarea',
         hint: 'Who is affected, for a group too large or vague to name; accounts, criteria or both.'},
        {name: 'measures', label: 'What was done', type: 'textarea', required: true},
        {name: 'advice', label: 'What people should do', type: 'textarea', required: true},
      ], body: (values) => ({title: values.title, discoveredAt: iso(values.discoveredAt), description: values.description,
        affected: {accountIDs: list(values['affected.accountIDs'], /[\s,]+/), criteria: values['affected.criteria']},
        measures: values.measures, advice: values.advice})}),
    h('h2', {}, 'Incidents'),
    await pagedList({load: pagesOf('/v1/admin/incidents'), empty: 'No incidents recorded.',
                     draw: (incident) => h('li', {}, incidentCard(incident, alert))})));

// Privacy policy (admin).

screen('/staff/privacy-policy', 'Privacy policy versions', ['admin'], 'Publish a new version of the privacy policy.', async () => {
  const current = await api('GET', '/v1/privacy-policy');
  return h('div', {class: 'stack'},
    h('h2', {}, 'In force'),
    facts([['Version', current.version], ['Since', when(current.lastUpdated)], ['Substantial change', current.substantial ? 'Yes' : 'No'],
           ['Summary', current.summary]]),
    h('h2', {}, 'Publish a new version'),
    sendForm({path: '/v1/admin/privacy-policy', submit: 'Publish', done: 'The new version is in force.', fields: [
      {name: 'version', label: 'Version', required: true, hint: 'Up to 50 characters, e.g. 3 or 2027-01.'},
      {name: 'summary', label: 'What changed', type: 'textarea'},
      {name: 'substantial', label: 'Substantial change: ask every signed-in person for their cookie choices again', type: 'checkbox'},
    ]}));
});

// Statistics (admin).

screen('/staff/statistics', 'Visit statistics', ['admin'], 'De-identified visitors, sessions, top pages and searches.', async ({query}) => {
  const stats = await api('GET', '/v1/admin/statistics', {query: dayPeriod(query.get('from'), query.get('to'))});
  const pages = {product: '/products/', exhibitor: '/exhibitors/'};
  return h('div', {class: 'stack'},
    filters(query, [{name: 'from', label: 'From (day)', type: 'date', hint: '30 days before the end when empty.'},
                    {name: 'to', label: 'Up to and including (day)', type: 'date', hint: 'Today when empty.'}]),
    h('p', {}, `${when(stats.from)} to ${when(stats.to)}: ${stats.visitors} visitors, ${stats.sessions} sessions `,
      '(signed-in visitors whose analytics choice allows it).'),
    h('h2', {}, 'Top pages'),
    stats.topPages.length ? table(['Page', 'Kind', 'Views'], stats.topPages.map((page) =>
      [link(pages[page.kind] + page.id, page.name), label(page.kind), page.views])) : h('p', {class: 'muted'}, 'No visits in this period.'),
    h('h2', {}, 'Top searches'),
    stats.topSearches.length ? table(['Search', 'Times'], stats.topSearches.map((search) => [search.query, search.count]))
      : h('p', {class: 'muted'}, 'No search made by three or more visitors in this period.'));
});
