// The user center: profile and company card, email and password, signed-in devices, the
// sign-in history, and the company's team.

import {h, replace, when, label} from '../dom.js';
import {api, readVersioned, editVersioned} from '../api.js';
import {route, navigate} from '../router.js';
import {session, refresh, forget} from '../session.js';
import {form, actionButton} from '../forms.js';
import {notify} from '../notice.js';

const tabs = [['/account', 'Profile'], ['/account/security', 'Password and email'], ['/account/sessions', 'Devices'],
              ['/account/logins', 'Sign-in history'], ['/account/team', 'Team']];

function tabBar() {
  return h('nav', {class: 'tabs', 'aria-label': 'Account'}, tabs.map(([href, text]) =>
    h('a', {href, 'aria-current': location.pathname === href ? 'page' : null}, text)));
}

route('/account', {title: 'Your account', access: 'signed-in', page: async ({query}) => {
  const {value: me, version: read} = await readVersioned('/v1/me');
  let version = read;
  refresh(me);
  const company = me.company;
  const companyAdmin = me.companyRole === 'admin';
  return h('div', {class: 'stack'}, tabBar(),
    query.get('registered') ? h('p', {class: 'callout', role: 'status'},
      `Welcome! We sent a link to ${me.email}: open it to confirm your address.`) : null,
    me.emailVerified || query.get('registered') ? null
      : h('p', {class: 'callout'}, 'Your email is not confirmed yet: open the link we mailed you (it works for 48 hours). ',
        actionButton('Send a new link', async () => {
          await api('POST', '/v1/email-verifications');
          notify(`A new link is on its way to ${me.email}; the earlier one no longer works.`, 6);
        }, {className: 'secondary'})),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Email'), h('dd', {}, me.email, me.emailVerified ? ' (confirmed)' : ' (not confirmed)'),
      h('dt', {}, 'Roles'), h('dd', {}, me.roles.map(label).join(', ')),
      company ? [h('dt', {}, 'Company'), h('dd', {}, `${company.name} · ${label(company.businessType)} · ${company.country}`)] : null,
      h('dt', {}, 'Verification'), h('dd', {}, label(me.verificationStatus), me.verifiedUntil ? ` until ${when(me.verifiedUntil)}` : '')),
    h('h2', {}, 'Profile'),
    form({
      fields: [
        {name: 'contactName', label: 'Your name', required: true, value: me.contactName, autocomplete: 'name'},
        {name: 'title', label: 'Job title', value: me.title},
        {name: 'department', label: 'Department', value: me.department},
        {name: 'telephone', label: 'Telephone', type: 'tel', value: me.telephone, autocomplete: 'tel'},
        {name: 'language', label: 'Language of mails', type: 'select', value: me.language, options: [['en', 'English'], ['de', 'Deutsch']]},
        ...(company && companyAdmin ? [
          {name: 'companyName', label: 'Company name', value: company.name, hint: 'A verified company goes back to review when its name or country changes.'},
          {name: 'industry', label: 'Industry', value: company.industry},
          {name: 'country', label: 'Country', value: company.country},
        ] : []),
      ],
      submit: 'Save',
      onSubmit: async (values) => {
        const body = {...values, title: values.title ?? '', department: values.department ?? ''};
        const saved = await editVersioned('/v1/me', body, version);
        version = saved.version;
        refresh(saved.value);
        notify('Saved.', 4);
      },
    }));
}});

route('/account/security', {title: 'Password and email', access: 'signed-in', page: async () => h('div', {class: 'stack'}, tabBar(),
  h('h2', {}, 'Change your password'),
  h('p', {}, 'Every other device is signed out.'),
  form({
    fields: [
      {name: 'currentPassword', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password'},
      {name: 'newPassword', label: 'New password', type: 'password', required: true, autocomplete: 'new-password', hint: '12 to 128 characters.'},
    ],
    submit: 'Change the password',
    onSubmit: async (values, element) => {
      await api('POST', '/v1/me/password', {body: values});
      element.reset();
      notify('Your password is changed.', 5);
    },
  }),
  h('h2', {}, 'Change your email'),
  h('p', {}, 'We send a confirmation link to the new address.'),
  form({
    fields: [
      {name: 'email', label: 'New email', type: 'email', required: true, autocomplete: 'email'},
      {name: 'currentPassword', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password'},
    ],
    submit: 'Change the email',
    onSubmit: async (values, element) => {
      refresh(await api('PATCH', '/v1/me', {body: values}));
      element.reset();
      notify('Your email is changed: open the link we sent to confirm it.', 6);
    },
  }))});

route('/account/sessions', {title: 'Signed-in devices', access: 'signed-in', page: async ({alert}) => {
  const page = await api('GET', '/v1/me/sessions', {query: {limit: 100}});
  return h('div', {class: 'stack'}, tabBar(), h('table', {class: 'table'},
    h('thead', {}, h('tr', {}, ['Device', 'IP address', 'Signed in', 'Last seen', ''].map((text) => h('th', {scope: 'col'}, text)))),
    h('tbody', {}, page.items.map((item) => h('tr', {},
      h('td', {}, item.userAgent ?? 'Unknown', item.current ? h('strong', {}, ' (this device)') : null),
      h('td', {}, item.ip ?? ''), h('td', {}, when(item.createdAt)), h('td', {}, when(item.lastSeenAt)),
      h('td', {}, actionButton(item.current ? 'Sign out' : 'End', async () => {
        await api('DELETE', `/v1/me/sessions/${item.id}`);
        if (item.current) { forget(); navigate('/'); } else navigate(location.pathname, {replace: true});
      }, {className: 'secondary', alert})))))));
}});

route('/account/logins', {title: 'Sign-in history', access: 'signed-in', page: async () => {
  const page = await api('GET', '/v1/me/logins', {query: {limit: 100}});
  const checks = {'sign-in': 'Sign-in', 'current-password': 'Current password (while signed in)'};
  return h('div', {class: 'stack'}, tabBar(),
    h('p', {}, 'Every attempt on your password: sign-ins, and the current password given to change your password or email. ',
      'A failure you do not recognise? Change your password and end the devices you do not know.'),
    page.items.length ? h('table', {class: 'table'},
      h('thead', {}, h('tr', {}, ['When', 'What', 'Outcome', 'IP address', 'Device'].map((text) => h('th', {scope: 'col'}, text)))),
      h('tbody', {}, page.items.map((item) => h('tr', {},
        h('td', {}, when(item.occurredAt)), h('td', {}, checks[item.check] ?? label(item.check)), h('td', {}, label(item.outcome)),
        h('td', {}, item.ip ?? ''), h('td', {}, item.userAgent ?? '')))))
      : h('p', {}, 'No sign-ins recorded.'));
}});

route('/account/team', {title: 'Your team', access: 'signed-in', page: async ({alert}) => {
  const me = session.account;
  if (!me.company || me.company.businessType === 'individual-purchaser') {
    return h('div', {class: 'stack'}, tabBar(), h('p', {}, 'An individual purchaser has no team.'));
  }
  const team = await api('GET', '/v1/me/company/members');
  const admin = me.companyRole === 'admin';
  const reload = () => navigate(location.pathname, {replace: true});
  const body = h('div', {class: 'stack'}, tabBar(),
    h('table', {class: 'table'},
      h('thead', {}, h('tr', {}, ['Name', 'Email', 'Role', 'Joined', ''].map((text) => h('th', {scope: 'col'}, text)))),
      h('tbody', {}, team.items.map((member) => h('tr', {},
        h('td', {}, member.contactName, member.title ? `, ${member.title}` : ''), h('td', {}, member.email),
        h('td', {}, label(member.role)), h('td', {}, when(member.joinedAt)),
        h('td', {class: 'actions'},
          admin && member.accountID !== me.id ? actionButton(member.role === 'admin' ? 'Make member' : 'Make admin', async () => {
            await api('PUT', `/v1/me/company/members/${member.accountID}/role`, {body: {role: member.role === 'admin' ? 'member' : 'admin'}});
            reload();
          }, {className: 'secondary', alert}) : null,
          admin || member.accountID === me.id ? actionButton(member.accountID === me.id ? 'Leave the company' : 'Remove', async () => {
            if (!confirm(member.accountID === me.id ? 'Leave the company? You keep your account.' : `Remove ${member.contactName}?`)) return;
            await api('DELETE', `/v1/me/company/members/${member.accountID}`);
            if (member.accountID === me.id) { forget(); navigate('/sign-in'); } else reload();
          }, {className: 'danger', alert}) : null))))),
    team.invitations?.length ? [h('h2', {}, 'Invitations not used yet'), h('ul', {}, team.invitations.map((invitation) =>
      h('li', {}, `${invitation.email} (${label(invitation.role)}), until ${when(invitation.expiresAt)}`)))] : null);
  if (admin) {
    body.append(h('h2', {}, 'Invite a colleague'), form({
      fields: [
        {name: 'email', label: 'Their work email', type: 'email', required: true},
        {name: 'role', label: 'Role', type: 'select', options: [['member', 'Member'], ['admin', 'Admin (manages the team and company card)']]},
      ],
      submit: 'Send the invitation',
      onSubmit: async (values) => {
        await api('POST', '/v1/me/company/invitations', {body: values});
        notify(`The invitation is on its way to ${values.email}.`, 5);
        reload();
      },
    }));
  }
  return body;
}});
