// The live feed: a WebSocket opened with a single-use ticket (a browser cannot send an
// Authorization header on a WebSocket), resumed after the last cursor so no frame is lost or
// repeated across reconnects. Frames are re-dispatched as `live` events on window.

import {api} from './api.js';

let socket = null;
let cursor = null;
let wanted = false;
let retry = 0;
let timer;

export function connectLive() {
  wanted = true;
  if (!socket) open();
}

export function disconnectLive() {
  wanted = false;
  clearTimeout(timer);
  cursor = null;
  socket?.close();
  socket = null;
}

async function open() {
  let ticket;
  try {
    ticket = (await api('POST', '/v1/live/tickets')).ticket;
  } catch {
    return again();
  }
  if (!wanted) return;
  const url = new URL('/v1/live', location.origin);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('ticket', ticket);
  if (cursor !== null) url.searchParams.set('since', cursor);
  socket = new WebSocket(url);
  socket.addEventListener('open', () => { retry = 0; document.body.dataset.live = 'open'; });
  socket.addEventListener('message', (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    if (frame.cursor !== undefined) cursor = frame.cursor;
    dispatchEvent(new CustomEvent('live', {detail: frame}));
  });
  socket.addEventListener('close', () => {
    socket = null;
    document.body.dataset.live = 'closed';
    again();
  });
}

function again() {
  if (!wanted) return;
  const delay = Math.min(30000, 1000 * 2 ** retry++);
  timer = setTimeout(() => { if (wanted && !socket) open(); }, delay);
}
