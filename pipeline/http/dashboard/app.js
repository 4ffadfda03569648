// The carebridge dashboard: plain JavaScript over the HTTP API (see
// /api/openapi.json). No framework, no network beyond this server; every value
// from the API is put into the page as text, never as HTML.
'use strict';

const kTokenKey = 'carebridge.token';
const kStates = ['received', 'parsed', 'applied', 'emitted', 'delivered', 'rejected', 'failed', 'dead'];
let caller = null;
let currentView = 'overview';
let nextBeforeId = null;
let refreshTimer = null;

const $ = (sel) => document.querySelector(sel);

/// An element with attributes and children (strings become text nodes).
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function setStatus(text, isError = false) {
  const s = $('#status');
  s.textContent = text;
  s.className = isError ? 'error' : '';
}

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.error && body.error.code;
  }
}

async function api(method, path, body) {
  const headers = { Authorization: 'Bearer ' + sessionStorage.getItem(kTokenKey) };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (res.status === 401) {
    logout('The token is not valid any more; log in again.');
    throw new ApiError(401, data);
  }
  if (!res.ok && !(path === '/readyz' && res.status === 503)) throw new ApiError(res.status, data);
  return data;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

function stateCell(state) {
  return el('span', { class: 'state state-' + state, 'data-testid': 'state' }, state);
}

// --- login -----------------------------------------------------------------

async function login(token) {
  sessionStorage.setItem(kTokenKey, token);
  try {
    caller = await api('GET', '/api/whoami');
  } catch (e) {
    sessionStorage.removeItem(kTokenKey);
    $('#login-error').textContent = e.status === 401 ? 'Unknown token.' : 'Cannot log in: ' + e.message;
    return;
  }
  $('#login-error').textContent = '';
  $('#login').hidden = true;
  $('#tabs').hidden = false;
  $('#views').hidden = false;
  $('#logout').hidden = false;
  $('#refresh').hidden = false;
  $('#who').textContent = `${caller.name} · ${caller.role}` + (caller.tenant ? ` · tenant ${caller.tenant}` : ' · all tenants');
  document.body.classList.toggle('viewer', caller.role === 'viewer');
  await loadRoutes();
  show(currentView);
  refreshTimer = setInterval(() => refresh(), 30000);
}

function logout(message) {
  sessionStorage.removeItem(kTokenKey);
  caller = null;
  clearInterval(refreshTimer);
  $('#login').hidden = false;
  $('#tabs').hidden = true;
  $('#views').hidden = true;
  $('#logout').hidden = true;
  $('#refresh').hidden = true;
  $('#who').textContent = '';
  $('#login-error').textContent = message || '';
  setStatus('');
}

// --- views -----------------------------------------------------------------

function show(view) {
  currentView = view;
  for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.view === view);
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + view;
  refresh();
}

async function refresh() {
  if (!caller) return;
  try {
    await Promise.all([loadCounts(), {
      overview: loadOverview,
      action: loadAction,
      dead: loadDead,
      messages: () => loadMessages(false),
      jobs: loadJobs,
    }[currentView]()]);
  } catch (e) {
    if (e.status !== 401) setStatus('Could not load: ' + e.message, true);
  }
}

async function loadRoutes() {
  const { routes } = await api('GET', '/api/routes');
  const sel = $('#search select[name=route]');
  sel.replaceChildren(el('option', { value: '' }, 'any'), ...routes.map((r) => el('option', {}, r)));
}

async function loadCounts() {
  const [rejected, failed, dead] = await Promise.all(
    ['rejected', 'failed', 'dead'].map((s) => api('GET', '/api/messages' + query({ state: s, limit: 1000 }))));
  const n = rejected.messages.length + failed.messages.length;
  $('#action-count').textContent = n ? String(n) : '';
  $('#dead-count').textContent = dead.messages.length ? String(dead.messages.length) : '';
}

async function loadOverview() {
  const hours = Number($('#hours').value);
  const bucket = hours <= 6 ? 600 : hours <= 24 ? 3600 : 6 * 3600;
  const [stats, ready] = await Promise.all([
    api('GET', '/api/stats/flow' + query({ hours, bucket_seconds: bucket })),
    fetch('/readyz').then((r) => r.json()),
  ]);
  const r = $('#ready');
  r.replaceChildren(
    ready.ready ? el('span', { class: 'ready-ok' }, 'Ready') : el('span', { class: 'ready-bad' }, 'Not ready'),
    ...(ready.problems || []).map((p) => el('div', { class: 'error' }, p)));
  drawFlowTable(stats.by_route_state);
  drawChart(stats.over_time);
}

function drawFlowTable(cells) {
  const routes = [...new Set(cells.map((c) => c.route))].sort();
  const states = kStates.filter((s) => cells.some((c) => c.state === s));
  const count = (r, s) => cells.filter((c) => c.route === r && c.state === s).reduce((a, c) => a + c.count, 0);
  $('#flow thead').replaceChildren(el('tr', {}, el('th', {}, 'route'), ...states.map((s) => el('th', { class: 'num' }, s))));
  $('#flow tbody').replaceChildren(...routes.map((r) => el('tr', {},
    el('td', {}, r),
    ...states.map((s) => {
      const n = count(r, s);
      const td = el('td', { class: 'num' + (n ? ' clickable' : '') }, n ? String(n) : '');
      if (n) td.addEventListener('click', () => searchFor({ route: r, state: s }));
      return td;
    }))));
  if (!routes.length) $('#flow tbody').replaceChildren(el('tr', {}, el('td', {}, 'No messages yet.')));
}

/// Volume (received, delivered) as lines and errors as bars, drawn in SVG.
function drawChart(buckets) {
  const ns = 'http://www.w3.org/2000/svg';
  const W = 800, H = 220, L = 40, B = 24, T = 10, R = 10;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'messages over time');
  const mk = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  const errors = (b) => b.rejected + b.failed + b.dead;
  const max = Math.max(1, ...buckets.map((b) => Math.max(b.received, b.delivered, errors(b))));
  const n = Math.max(1, buckets.length);
  const band = (W - L - R) / n;
  const x = (i) => L + band * (i + 0.5);
  const y = (v) => H - B - (H - B - T) * (v / max);
  mk('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B });
  mk('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B });
  mk('text', { x: L - 6, y: T + 8, 'text-anchor': 'end' }, String(max));
  mk('text', { x: L - 6, y: H - B, 'text-anchor': 'end' }, '0');
  const bw = Math.max(2, Math.min(40, band * 0.6));
  buckets.forEach((b, i) => {
    const e = errors(b);
    if (e) mk('rect', { x: x(i) - bw / 2, y: y(e), width: bw, height: H - B - y(e), fill: '#c62828', opacity: '0.75' })
      .append(Object.assign(document.createElementNS(ns, 'title'), { textContent: `${b.start}: ${e} errors` }));
  });
  for (const [key, color] of [['received', '#1f6feb'], ['delivered', '#1a7f37']]) {
    if (!buckets.length) break;
    mk('polyline', {
      points: buckets.map((b, i) => `${x(i)},${y(b[key])}`).join(' '),
      fill: 'none', stroke: color, 'stroke-width': 2,
    });
  }
  const step = Math.max(1, Math.ceil(n / 6));
  buckets.forEach((b, i) => {
    if (i % step === 0) mk('text', { x: x(i), y: H - 6, 'text-anchor': 'middle' }, (b.start || '').slice(5, 16).replace('T', ' '));
  });
  if (!buckets.length) mk('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle' }, 'no data');
  $('#chart').replaceChildren(svg);
}

function diagnosticList(diags) {
  return el('ul', {}, ...diags.map((d) => el('li', { class: 'diag' },
    el('code', {}, d.code), ' ', d.message, ' ',
    d.location ? el('span', { class: 'loc' }, '(' + d.location + ')') : null,
    d.hint ? el('div', { class: 'hint' }, d.hint) : null)));
}

function reprocessButton(id, onDone) {
  const b = el('button', { type: 'button', class: 'primary operator-only', 'data-testid': 'reprocess-' + id }, 'Reprocess');
  b.addEventListener('click', async () => {
    b.disabled = true;
    try {
      const res = await api('POST', `/api/messages/${id}/reprocess`, { reason: 'dashboard' });
      if (res.requeued.includes(id)) {
        const m = await api('GET', `/api/messages/${id}`);
        setStatus(`Message ${id} reprocessed; now ${m.state}.`);
      } else {
        setStatus(`Message ${id} not reprocessed: ${res.refused[String(id)] || 'refused'}`, true);
      }
      await onDone();
    } catch (e) {
      setStatus(`Reprocess of message ${id} failed: ${e.message}`, true);
    } finally {
      b.disabled = false;
    }
  });
  return b;
}

async function messageCards(states, target) {
  const lists = await Promise.all(states.map((s) => api('GET', '/api/messages' + query({ state: s, limit: 200 }))));
  const msgs = lists.flatMap((l) => l.messages).sort((a, b) => b.id - a.id);
  const details = await Promise.all(msgs.map((m) => api('GET', `/api/messages/${m.id}`)));
  const box = $(target);
  if (!details.length) {
    box.replaceChildren(el('p', { class: 'note' }, 'Nothing here.'));
    return;
  }
  box.replaceChildren(...details.map((d) => el('article', { class: 'card', 'data-testid': 'message-' + d.id },
    el('h3', {}, `#${d.id} `, stateCell(d.state), ` ${d.route} · ${d.source || d.business_key || ''}`),
    el('div', { class: 'note' }, `${d.direction} · ${d.adapter} · attempts ${d.attempts} · ${d.updated_at}` + (d.tenant ? ` · ${d.tenant}` : '')),
    diagnosticList(d.diagnostics),
    el('div', {}, reprocessButton(d.id, refresh), ' ',
      el('button', { type: 'button', onclick: () => { show('messages'); openDetail(d.id); } }, 'Details')))));
}

const loadAction = () => messageCards(['rejected', 'failed'], '#action-list');
const loadDead = () => messageCards(['dead'], '#dead-list');

function searchFor(filter) {
  const f = $('#search');
  for (const k of ['route', 'state', 'direction', 'text']) f.elements[k].value = filter[k] || '';
  show('messages');
}

async function loadMessages(more) {
  const f = $('#search').elements;
  const params = { route: f.route.value, state: f.state.value, direction: f.direction.value, text: f.text.value, limit: 100 };
  if (more && nextBeforeId) params.before_id = nextBeforeId;
  const data = await api('GET', '/api/messages' + query(params));
  nextBeforeId = data.next_before_id;
  $('#more').hidden = !nextBeforeId;
  const rows = data.messages.map((m) => {
    const tr = el('tr', { class: 'clickable', 'data-testid': 'row-' + m.id },
      el('td', { class: 'num' }, String(m.id)), el('td', {}, m.route), el('td', {}, m.direction),
      el('td', {}, m.source), el('td', {}, m.business_key), el('td', {}, stateCell(m.state)),
      el('td', { class: 'num' }, String(m.attempts)), el('td', {}, m.updated_at));
    tr.addEventListener('click', () => openDetail(m.id));
    return tr;
  });
  const body = $('#messages tbody');
  if (more) body.append(...rows); else body.replaceChildren(...rows);
}

async function openDetail(id) {
  const d = await api('GET', `/api/messages/${id}`);
  const box = $('#detail');
  box.hidden = false;
  box.replaceChildren(
    el('h2', {}, `Message #${d.id} `, stateCell(d.state)),
    el('p', { class: 'note' }, `${d.tenant} · ${d.direction} · ${d.route} · ${d.adapter} · ${d.source} · key ${d.business_key} · ${d.byte_size} bytes · hash ${d.content_hash}`),
    el('div', {}, reprocessButton(d.id, async () => { await loadMessages(false); await openDetail(d.id); })),
    el('h3', {}, 'Diagnostics'), d.diagnostics.length ? diagnosticList(d.diagnostics) : el('p', { class: 'note' }, 'none'),
    el('h3', {}, 'History'),
    el('table', {}, el('tbody', {}, ...d.events.map((e) => el('tr', {},
      el('td', {}, e.at), el('td', {}, e.actor), el('td', {}, `${e.from_state || '·'} → ${e.to_state}`), el('td', {}, e.note))))),
    el('h3', {}, 'Content'),
    d.bytes_pruned ? el('p', { class: 'note' }, 'The body was pruned by retention.')
      : el('pre', {}, d.body !== null ? d.body : '(binary) base64: ' + d.body_base64));
}

async function loadJobs() {
  const { runs } = await api('GET', '/api/jobs/runs' + query({ limit: 100 }));
  $('#runs tbody').replaceChildren(...runs.map((r) => el('tr', {},
    el('td', { class: 'num' }, String(r.id)), el('td', {}, r.job), el('td', {}, r.working_date), el('td', {}, r.filter),
    el('td', {}, stateCell(r.state)), el('td', {}, r.started_at), el('td', {}, r.finished_at),
    el('td', {}, Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')))));
}

// --- wiring ----------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('#token').value.trim();
    $('#token').value = '';
    if (t) login(t);
  });
  $('#logout').addEventListener('click', () => logout());
  $('#refresh').addEventListener('click', () => refresh());
  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => show(b.dataset.view));
  $('#hours').addEventListener('change', () => refresh());
  $('#search').addEventListener('submit', (ev) => { ev.preventDefault(); loadMessages(false).catch((e) => setStatus(e.message, true)); });
  $('#more').addEventListener('click', () => loadMessages(true).catch((e) => setStatus(e.message, true)));
  $('#run-job').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target.elements;
    try {
      const run = await api('POST', `/api/jobs/${encodeURIComponent(f.job.value)}/run`,
        { working_date: f.working_date.value || undefined, filter: f.filter.value || undefined });
      setStatus(`Job ${run.job} run ${run.id}: ${run.state}.`);
      await loadJobs();
    } catch (e) {
      setStatus('Job not run: ' + e.message, true);
    }
  });
  if (sessionStorage.getItem(kTokenKey)) login(sessionStorage.getItem(kTokenKey));
});
