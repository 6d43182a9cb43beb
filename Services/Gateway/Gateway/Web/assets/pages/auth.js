// Registration, sign-in, the mailed email-verification and password-reset links, and joining a
// company by invitation.

import {h} from '../dom.js';
import {api} from '../api.js';
import {route, navigate} from '../router.js';
import {signIn, loadSession} from '../session.js';
import {form} from '../forms.js';
import {notify} from '../notice.js';

const businessTypes = [['purchaser', 'Purchaser (a company that buys)'], ['supplier', 'Supplier (a company that exhibits and sells)'],
                       ['individual-purchaser', 'Individual purchaser']];

/** Registration fields shared by the registration and invitation screens. */
export const personFields = [
  {name: 'contactName', label: 'Your name', required: true, autocomplete: 'name'},
  {name: 'title', label: 'Job title', autocomplete: 'organization-title'},
  {name: 'department', label: 'Department'},
];

route('/register', {title: 'Register your company', page: async () => h('div', {},
  form({
    fields: [
      {name: 'email', label: 'Work email', type: 'email', required: true, autocomplete: 'email'},
      {name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password',
       hint: '12 to 128 characters; not a commonly breached password and not your email.'},
      {name: 'companyName', label: 'Company name', required: true, autocomplete: 'organization'},
      {name: 'businessType', label: 'Your company is a', type: 'select', required: true, options: businessTypes},
      {name: 'industry', label: 'Industry', required: true, placeholder: 'e.g. Machine tools'},
      {name: 'country', label: 'Country (two-letter code)', required: true, autocomplete: 'country', placeholder: 'DE', hint: 'ISO 3166 code such as DE, CN or US.'},
      ...personFields,
      {name: 'telephone', label: 'Telephone', type: 'tel', required: true, autocomplete: 'tel'},
    ],
    submit: 'Register',
    onSubmit: async (values) => {
      await api('POST', '/v1/accounts', {body: {...values, country: values.country?.toUpperCase()}});
      await signIn(values.email, values.password);
      navigate('/account?registered=1');
    },
  }),
  h('p', {}, 'Already registered? ', h('a', {href: '/sign-in'}, 'Sign in'), '.'))});

route('/sign-in', {title: 'Sign in', page: async ({query}) => h('div', {},
  form({
    fields: [
      {name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'email'},
      {name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'current-password'},
    ],
    submit: 'Sign in',
    onSubmit: async ({email, password}) => {
      await signIn(email ?? '', password ?? '');
      const next = query.get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/');
    },
  }),
  h('p', {}, h('a', {href: '/forgot-password'}, 'Forgot your password?'), ' · ', h('a', {href: '/register'}, 'Register'))),
});

route('/forgot-password', {title: 'Reset your password', page: async () => {
  const done = h('p', {role: 'status'});
  return h('div', {}, h('p', {}, 'We mail a link to reset your password to the address, if it has an account.'),
    form({
      fields: [{name: 'email', label: 'Email', type: 'email', required: true, autocomplete: 'email'}],
      submit: 'Send the link',
      onSubmit: async ({email}) => {
        await api('POST', '/v1/password-resets', {body: {email}});
        done.textContent = 'If the address has an account, a link is on its way. It works for 30 minutes.';
      },
    }), done);
}});

route('/reset-password', {title: 'Choose a new password', page: async ({query}) => form({
  fields: [{name: 'newPassword', label: 'New password', type: 'password', required: true, autocomplete: 'new-password',
            hint: '12 to 128 characters. Every signed-in device is signed out.'}],
  submit: 'Set the password',
  onSubmit: async ({newPassword}) => {
    await api('POST', `/v1/password-resets/${encodeURIComponent(query.get('token') ?? '')}`, {body: {newPassword}});
    notify('Your password is changed. Sign in with it.', 6);
    navigate('/sign-in');
  },
})});

route('/verify-email', {title: 'Confirm your email', page: async ({query}) => {
  const status = h('p', {role: 'status'}, 'Confirm that this address is yours.');
  return h('div', {}, status, form({
    fields: [],
    submit: 'Confirm my email',
    onSubmit: async () => {
      await api('POST', `/v1/email-verifications/${encodeURIComponent(query.get('token') ?? '')}`);
      status.textContent = 'Thank you: your email is confirmed.';
      await loadSession();
    },
  }));
}});

route('/join-company', {title: 'Join your company', page: async ({query}) => {
  const token = encodeURIComponent(query.get('token') ?? '');
  return h('div', {},
    h('p', {}, 'A colleague invited you. Set up your account for the invited address, or sign in first if you already have one.'),
    form({
      fields: [
        {name: 'password', label: 'Password', type: 'password', required: true, autocomplete: 'new-password', hint: '12 to 128 characters.'},
        ...personFields,
        {name: 'telephone', label: 'Telephone', type: 'tel', autocomplete: 'tel'},
      ],
      submit: 'Join',
      onSubmit: async (values) => {
        await api('POST', `/v1/company-invitations/${token}`, {body: values});
        notify('Your account is ready. Sign in with the invited address.', 6);
        navigate('/sign-in');
      },
    }));
}});
