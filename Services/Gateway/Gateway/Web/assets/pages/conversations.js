// Conversations between companies: the list with unread counts, one conversation whose new
// messages arrive live (no reload), sending, opening an inquiry, blocking and reporting.

import {h, replace, when, label} from '../dom.js';
import {api} from '../api.js';
import {route, navigate} from '../router.js';
import {session} from '../session.js';
import {form, actionButton} from '../forms.js';

function badgesChanged() { dispatchEvent(new CustomEvent('badges')); }

function conversationItem(conversation) {
  return h('li', {class: 'card'},
    h('h3', {}, h('a', {href: `/conversations/${conversation.id}`}, conversation.companyName),
      conversation.unread ? h('span', {class: 'badge', 'aria-label': `${conversation.unread} unread`}, String(conversation.unread)) : null),
    conversation.subject ? h('p', {class: 'muted'}, `${label(conversation.subject.kind)}: ${conversation.subject.title}`) : null,
    conversation.lastMessage ? h('p', {class: 'snippet'}, conversation.lastMessage.text) : null,
    h('p', {class: 'muted'}, when(conversation.lastMessageAt), conversation.readOnly ? ' · read-only' : ''));
}

route('/conversations', {title: 'Messages', access: 'signed-in', page: async () => {
  const page = await api('GET', '/v1/conversations', {query: {limit: 50}});
  const list = h('ul', {class: 'cards'}, page.items.map(conversationItem));
  const root = h('div', {}, page.items.length ? list : h('p', {}, 'No conversations yet. Send an inquiry from a product or exhibitor page.'));
  // A new message moves its conversation up: redraw the list while it is shown.
  const onLive = async (event) => {
    if (!root.isConnected) return removeEventListener('live', onLive);
    if (event.detail.type !== 'message.created') return;
    const fresh = await api('GET', '/v1/conversations', {query: {limit: 50}}).catch(() => null);
    if (fresh) replace(root, h('ul', {class: 'cards'}, fresh.items.map(conversationItem)));
  };
  addEventListener('live', onLive);
  return root;
}});

route('/conversations/new', {title: 'New inquiry', access: 'signed-in', page: async ({query}) => {
  const companyID = query.get('companyID');
  const kind = query.get('kind');
  const id = query.get('id');
  const company = companyID ? await api('GET', `/v1/companies/${companyID}`).catch(() => null) : null;
  return h('div', {}, company ? h('p', {}, `To ${company.name}`) : null, form({
    fields: [{name: 'text', label: 'Your message', type: 'textarea', required: true, rows: 6}],
    submit: 'Send',
    onSubmit: async ({text}) => {
      const conversation = await api('POST', '/v1/conversations', {body: {companyID, subject: kind && id ? {kind, id} : null, text}});
      navigate(`/conversations/${conversation.id}`);
    },
  }));
}});

function messageItem(message, own) {
  return h('li', {class: own ? 'message own' : 'message', dataset: {id: message.id}},
    h('p', {class: 'text'}, message.text),
    message.attachments?.length ? h('ul', {class: 'attachments'}, message.attachments.map((file) =>
      h('li', {}, h('a', {href: file.url, rel: 'noopener noreferrer nofollow', target: '_blank'}, file.name)))) : null,
    message.contactDetailsWarning ? h('p', {class: 'warning'}, 'This message seems to hold contact details: keep talks on the platform to stay protected.') : null,
    h('p', {class: 'muted'}, own ? 'You' : 'They', ' · ', h('time', {datetime: message.createdAt}, when(message.createdAt)),
      message.editedAt ? ' · edited' : ''));
}

route('/conversations/:id', {title: 'Conversation', access: 'signed-in', page: async ({params, alert}) => {
  const [conversation, page] = await Promise.all([
    api('GET', `/v1/conversations/${params.id}`),
    api('GET', `/v1/conversations/${params.id}/messages`, {query: {limit: 50}}),
  ]);
  document.title = `${conversation.companyName} · Messages · Online Expo`;
  const mine = session.account.company?.id;
  const list = h('ol', {class: 'messages', 'aria-live': 'polite', 'aria-label': 'Messages'},
    [...page.items].reverse().map((message) => messageItem(message, message.companyID === mine)));
  const earlier = h('div', {});
  const loadEarlier = (cursor) => replace(earlier, cursor ? actionButton('Earlier messages', async () => {
    const older = await api('GET', `/v1/conversations/${params.id}/messages`, {query: {limit: 50, cursor}});
    list.prepend(...[...older.items].reverse().map((message) => messageItem(message, message.companyID === mine)));
    loadEarlier(older.nextCursor);
  }, {className: 'secondary', alert}) : null);
  loadEarlier(page.nextCursor);
  const markRead = () => api('POST', `/v1/conversations/${params.id}/read`, {body: {}}).then(badgesChanged).catch(() => {});
  if (conversation.unread) markRead();

  const root = h('div', {class: 'conversation'});
  const onLive = (event) => {
    if (!root.isConnected) return removeEventListener('live', onLive);
    const {type, data} = event.detail;
    if ((type === 'message.created' || type === 'message.updated') && data?.conversationID === params.id) {
      const item = messageItem(data, data.companyID === mine);
      const existing = list.querySelector(`li[data-id="${CSS.escape(data.id)}"]`);
      if (existing) existing.replaceWith(item); else list.append(item);
      if (type === 'message.created' && data.companyID !== mine) markRead();
    }
  };
  addEventListener('live', onLive);

  const composer = conversation.readOnly
    ? h('p', {class: 'callout'}, 'This conversation is read-only: a company blocked the other, or processing is restricted.')
    : form({
      fields: [{name: 'text', label: 'Write a message', type: 'textarea', required: true, rows: 3}],
      submit: 'Send',
      onSubmit: async ({text}, element) => {
        const message = await api('POST', `/v1/conversations/${params.id}/messages`, {body: {text}});
        if (!list.querySelector(`li[data-id="${CSS.escape(message.id)}"]`)) list.append(messageItem(message, true));
        element.reset();
      },
    });
  const report = h('details', {}, h('summary', {}, 'Report this conversation to staff'), form({
    fields: [{name: 'reason', label: 'What is wrong', type: 'textarea', required: true}],
    submit: 'Send the report',
    onSubmit: async ({reason}, element) => {
      await api('POST', '/v1/reports', {body: {conversationID: params.id, reason}});
      replace(element, h('p', {role: 'status'}, 'Thank you: staff will look at it.'));
    },
  }));
  return replace(root,
    h('h2', {}, h('a', {href: `/exhibitors/${conversation.companyID}`}, conversation.companyName)),
    conversation.subject ? h('p', {class: 'muted'}, `${label(conversation.subject.kind)}: ${conversation.subject.title}`) : null,
    earlier, list, composer,
    h('div', {class: 'actions'},
      actionButton('Block this company', async () => {
        if (!confirm(`Block ${conversation.companyName}? Neither side can write until you unblock.`)) return;
        await api('POST', '/v1/blocks', {body: {companyID: conversation.companyID}});
        navigate(location.pathname, {replace: true});
      }, {className: 'danger', alert}),
      h('a', {href: `/complaints/new?againstCompanyID=${conversation.companyID}&kind=conversation&id=${conversation.id}`}, 'File a complaint')),
    report);
}});
