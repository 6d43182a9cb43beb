// The privacy center: the policy in force and the rights it grants; for a signed-in person their
// data-protection requests (make one, follow it, cancel it, download the export), lifting a
// restriction or objection, security notices and disclosures to third parties; and the mailed
// link that confirms a request support staff entered, with its code.

import {h, replace, link, when, day, label} from '../dom.js';
import {api, ApiError} from '../api.js';
import {route, navigate} from '../router.js';
import {session} from '../session.js';
import {form, actionButton} from '../forms.js';
import {notify} from '../notice.js';
import {pagedList, row, table, facts, statusBadge} from '../lists.js';

/** Every kind of request: [value, name, what it does]. */
const kinds = [
  ['access', 'Access', 'A copy of the personal data every part of the platform holds about you, as a zip to download (kept 7 days), ' +
    'with what each file is, where it came from and on which legal basis it is used.'],
  ['portability', 'Portability', 'Your data in structured JSON files that you can take to another service.'],
  ['rectification', 'Correction', 'Tell us what is wrong and what is right, and support staff correct it. Your name, job title and ' +
    'telephone you can change yourself under Account.'],
  ['erasure', 'Erasure', 'Your personal data deleted or anonymised everywhere on the platform. What must be kept for a while ' +
    '(evidence in an open complaint, say) waits, and you are told why.'],
  ['cancellation', 'Account cancellation', 'Your account closed and its personal data erased.'],
  ['restriction', 'Restriction', 'We keep your data but stop using it (conversations become read-only, nothing new is recorded) ' +
    'until you lift the restriction.'],
  ['objection', 'Objection', 'Stop one use of your data: direct marketing, profiling (recommendations from what you view) or ' +
    'processing based on our legitimate interests. You can take an objection back.'],
  ['withdraw-consent', 'Withdraw consent', 'Every part of the platform stops direct marketing to you. Cookie choices are made under ' +
    'Cookie preferences.'],
];
const kindNames = Object.fromEntries(kinds.map(([value, name]) => [value, name]));
const scopes = [['direct-marketing', 'Direct marketing'], ['profiling', 'Profiling (recommendations)'],
                ['legitimate-interest', 'Processing based on our legitimate interests']];
const scopeNames = Object.fromEntries([...scopes, ['restriction', 'Restriction of processing']]);
const statusTexts = {
  unverified: 'Waiting for you to confirm it with the mailed code',
  'in-progress': 'In progress',
  'waiting-for-services': 'In progress: waiting for parts of the platform to answer',
  completed: 'Completed',
  'partially-completed': 'Partly completed: some parts are postponed',
  denied: 'Refused',
  cancelled: 'Cancelled',
  expired: 'Expired: it was not confirmed in time',
};
const openStatuses = ['unverified', 'in-progress', 'waiting-for-services'];
const doneStatuses = ['completed', 'partially-completed'];
const channels = {platform: 'This website', email: 'Email', phone: 'Telephone', form: 'Scanned form'};

function kindText({kind, scope, lifting}) {
  if (lifting) return kind === 'restriction' ? 'Lift the restriction' : `Take back the objection to ${scopeNames[scope]?.toLowerCase() ?? scope}`;
  const name = kindNames[kind] ?? label(kind);
  return scope ? `${name}: ${scopeNames[scope] ?? label(scope)}` : name;
}

/** A request's status in words, and whether it is overdue. */
function requestStatus({status, overdue}) {
  return [statusBadge(status, statusTexts[status]), overdue ? statusBadge('overdue') : null];
}

const standingTexts = {'in-force': 'In force', 'being-applied': 'Being applied', 'being-lifted': 'Being lifted'};

/** The restriction and objections that stand, with a button to lift each one that is not being lifted already. */
async function standingRestrictions(alert) {
  const {items} = await api('GET', '/v1/me/restrictions');
  if (items.length === 0) return h('p', {class: 'muted'}, 'No restriction or objection of yours is in force.');
  return h('ul', {}, items.map(({scope, state}) => h('li', {}, scopeNames[scope] ?? label(scope), ' ',
    statusBadge(state, standingTexts[state]), ' ',
    state === 'being-lifted' ? null : actionButton(scope === 'restriction' ? 'Lift the restriction' : 'Take the objection back', async () => {
      const lifting = await api('DELETE', `/v1/me/restrictions/${encodeURIComponent(scope)}`);
      notify('Every part of the platform is being told.', 5);
      navigate(`/privacy/data-requests/${encodeURIComponent(lifting.id)}`);
    }, {className: 'secondary', alert}))));
}

function rightsSummary() {
  return [
    h('h2', {}, 'Your rights'),
    h('dl', {}, kinds.map(([, name, text]) => [h('dt', {}, name), h('dd', {}, text)])),
    h('p', {}, 'We answer every request within one calendar month of receiving it; if we need longer we tell you why. ',
      'Every marketing mail has an unsubscribe link that works without signing in.'),
  ];
}

function requestForm() {
  const element = form({
    fields: [
      {name: 'kind', label: 'What do you ask for?', type: 'select', required: true, options: kinds.map(([value, name]) => [value, name])},
      {name: 'scope', label: 'Object to', type: 'select', options: scopes, hint: 'For an objection only.'},
      {name: 'details', label: 'Details', type: 'textarea',
       hint: 'Required for a correction: what is wrong and what is right. Otherwise optional. At most 2000 characters.'},
      {name: 'password', label: 'Your password', type: 'password', required: true, autocomplete: 'current-password',
       hint: 'Confirms that the request comes from you.'},
    ],
    submit: 'Send the request',
    onSubmit: async ({kind, scope, details, password}) => {
      const created = await api('POST', '/v1/me/data-requests',
        {body: {kind, scope: kind === 'objection' ? scope : undefined, details, password}});
      notify(`Your request is received. We answer by ${day(created.dueAt)}.`, 6);
      navigate(`/privacy/data-requests/${encodeURIComponent(created.id)}`);
    },
  });
  const kind = element.querySelector('select[name=kind]');
  const scopeRow = element.querySelector('select[name=scope]').closest('.field');
  const showScope = () => { scopeRow.hidden = kind.value !== 'objection'; };
  kind.addEventListener('change', showScope);
  showScope();
  return element;
}

async function myRequests(alert) {
  const lifts = await standingRestrictions(alert);
  const list = await pagedList({
    load: (cursor) => api('GET', '/v1/me/data-requests', {query: {cursor}}),
    draw: (request) => row([
      link(`/privacy/data-requests/${encodeURIComponent(request.id)}`, kindText(request)),
      requestStatus(request),
      when(request.receivedAt),
      request.status === 'unverified' ? 'Not started until confirmed' : day(request.dueAt),
    ]),
    empty: 'No requests yet.',
    list: table(['Request', 'Status', 'Received', 'Due by']),
  });
  return [
    h('h2', {}, 'Your requests'), list,
    h('h2', {}, 'Restrictions and objections in force'), lifts,
    h('h2', {}, 'Make a request'), requestForm(),
  ];
}

route('/privacy', {title: 'Privacy center', page: async ({alert}) => {
  const policy = await api('GET', '/v1/privacy-policy');
  const parts = [
    h('p', {}, `Privacy policy version ${policy.version}, last updated ${day(policy.lastUpdated)}.`),
    policy.summary ? h('p', {}, h('strong', {}, 'What changed: '), policy.summary) : null,
    rightsSummary(),
  ];
  if (session.account) {
    parts.push(...await myRequests(alert), h('h2', {}, 'More about your data'), h('ul', {},
      h('li', {}, link('/privacy/notices', 'Security notices'), ' sent to you'),
      h('li', {}, link('/privacy/disclosures', 'Disclosures'), ' of your data to third parties'),
      h('li', {}, link('/cookies', 'Cookie preferences')),
      h('li', {}, link('/settings/notifications', 'Mail preferences'))));
  } else {
    parts.push(h('p', {}, link('/sign-in?next=%2Fprivacy', 'Sign in'), ' to make a request or follow one, and to read the security ',
      'notices and disclosures that concern you. ', link('/cookies', 'Cookie preferences'), ' need no account.'));
  }
  return h('div', {class: 'stack'}, parts);
}});

function requestView(first, alert) {
  const root = h('div', {class: 'stack'});
  const path = `/v1/me/data-requests/${encodeURIComponent(first.id)}`;
  const draw = (request) => replace(root,
    facts([
      ['Request', kindText(request)],
      ['Status', requestStatus(request)],
      ['Received', when(request.receivedAt)],
      ['Due by', request.status === 'unverified' ? 'The month starts when you confirm the request' : day(request.dueAt)],
      ['Confirm by', request.status === 'unverified' ? when(request.verifyBy) : null],
      ['Arrived by', channels[request.channel] ?? label(request.channel)],
      ['Deadline extended because', request.extensionReason],
      ['Finished', when(request.completedAt)],
    ]),
    request.status === 'unverified' && request.channel !== 'platform' ? h('p', {},
      'We mailed a code to your registered address. ', link(`/privacy/data-requests/${encodeURIComponent(request.id)}/verify`, 'Confirm the request with it'), '.') : null,
    request.denial ? [h('h2', {}, 'Why it was refused'),
      facts([['Reason', request.denial.reason], ['Legal ground', label(request.denial.legalGround)]])] : null,
    request.resolution ? [h('h2', {}, 'How it was corrected'), h('p', {}, request.resolution)] : null,
    exportSection(request),
    h('h2', {}, 'Each part of the platform'),
    request.parts.length === 0 ? h('p', {class: 'muted'}, 'No part of the platform has been asked yet.')
      : table(['Service', 'State', 'Reason', 'Answered'], request.parts.map((part) =>
        [label(part.service), label(part.state), part.reason ?? '', when(part.answeredAt)])),
    openStatuses.includes(request.status) ? h('div', {class: 'actions'},
      actionButton('Check again', async () => draw(await api('GET', path)), {className: 'secondary', alert}),
      actionButton('Cancel this request', async () => {
        draw(await api('POST', `${path}/cancel`));
        notify('Your request is cancelled. What a part of the platform already did stays done.', 6);
      }, {className: 'danger', alert})) : null,
    h('p', {}, link('/privacy', 'Back to the privacy center')));
  draw(first);
  return root;
}

function exportSection(request) {
  if (request.exportAvailableUntil) {
    return [h('h2', {}, 'Your data'), h('p', {},
      h('a', {href: `/v1/me/exports/${encodeURIComponent(request.id)}`, download: true}, 'Download your data (zip)'),
      ` — available until ${when(request.exportAvailableUntil)}.`)];
  }
  if (['access', 'portability'].includes(request.kind) && doneStatuses.includes(request.status)) {
    return [h('h2', {}, 'Your data'), h('p', {class: 'muted'}, 'The download was kept for 7 days and is gone now. Make a new request for a fresh copy.')];
  }
  return null;
}

route('/privacy/data-requests/:id', {title: 'Data-protection request', access: 'signed-in', page: async ({params, alert}) => {
  try {
    return requestView(await api('GET', `/v1/me/data-requests/${encodeURIComponent(params.id)}`), alert);
  } catch (error) {
    if (error.status !== 404) throw error;
    return h('p', {}, 'No request of yours has this id. If the link came by mail, sign in with the account it was sent to. ',
      link('/privacy', 'Your requests'));
  }
}});

route('/privacy/data-requests/:id/verify', {title: 'Confirm your request', page: async ({params}) => {
  const root = h('div', {class: 'stack'});
  return replace(root,
    h('p', {}, 'Support staff entered a data-protection request for your account. Enter the code from the mail we sent to your ',
      'registered address to confirm that the request is yours; the one-month deadline starts then.'),
    form({
      fields: [{name: 'code', label: 'Code', required: true, autocomplete: 'one-time-code', hint: 'The eight digits in the mail.'}],
      submit: 'Confirm the request',
      onSubmit: async ({code}) => {
        const digits = (code ?? '').replace(/\s/g, '');
        if (!/^[0-9]{8}$/.test(digits)) {
          throw new ApiError(422, {title: 'The code has eight digits', errors: [{field: 'code', message: 'Enter the eight digits from the mail.'}]});
        }
        let request;
        try {
          request = await api('POST', `/v1/data-requests/${encodeURIComponent(params.id)}/verification`, {body: {code: digits}});
        } catch (error) {
          if (error.status !== 404) throw error;
          throw new ApiError(404, {title: 'The code is wrong or expired',
            detail: 'check the digits in the latest mail; after five wrong codes it stops working and support staff can send a new one'});
        }
        replace(root, h('p', {role: 'status'}, `Thank you: your request is confirmed and being handled. We answer by ${day(request.dueAt)}.`),
          h('p', {}, link(`/privacy/data-requests/${encodeURIComponent(request.id)}`, 'Follow it in the privacy center'), ' (sign-in needed).'));
      },
    }));
}});

route('/privacy/notices', {title: 'Security notices', access: 'signed-in', page: async () => {
  const list = await pagedList({
    load: (cursor) => api('GET', '/v1/me/notices', {query: {cursor}}),
    draw: (notice) => h('li', {},
      h('h2', {}, notice.title),
      h('p', {}, h('span', {class: 'badge'}, notice.kind === 'individual' ? 'Sent to you' : 'Announcement to everyone')),
      facts([
        ['What happened', notice.description],
        ['What we did', notice.measures],
        ['What you can do', notice.advice],
        ['Discovered', when(notice.discoveredAt)],
        ['Told', when(notice.issuedAt)],
      ])),
    empty: 'No security notices.',
  });
  return h('div', {class: 'stack'},
    h('p', {}, 'What we told you about security incidents that concern your data, and our announcements to everyone.'),
    list, h('p', {}, link('/privacy', 'Back to the privacy center')));
}});

route('/privacy/disclosures', {title: 'Disclosures of your data', access: 'signed-in', page: async () => {
  const {items} = await api('GET', '/v1/me/disclosures');
  return h('div', {class: 'stack'},
    h('p', {}, 'Each time we gave your data to someone outside the platform (an authority, say) it is recorded here and in every export.'),
    items.length === 0 ? h('p', {class: 'muted'}, 'Your data has not been disclosed to anyone.')
      : table(['When', 'To whom', 'Why', 'Legal basis', 'Which data'], items.map((item) =>
        [when(item.disclosedAt), item.recipient, item.purpose, item.legalBasis, item.dataCategories.join(', ')])),
    h('p', {}, link('/privacy', 'Back to the privacy center')));
}});
