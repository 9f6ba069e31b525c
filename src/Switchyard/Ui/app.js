// Switchyard admin page: reads GET /v1/admin/events (server-sent events) with fetch() and a streaming reader, so the
// admin key travels in an Authorization header (EventSource cannot send one) and never in a URL. The key, when the
// gateway asks for one, is kept in this tab's sessionStorage only. No framework, no third-party code.
'use strict';

(() => {
  const KEY_STORAGE = 'switchyard.adminKey';
  const api = (path) => new URL('../' + path.replace(/^\//, ''), document.baseURI).toString();
  const $ = (sel) => document.querySelector(sel);

  let adminKey = sessionStorage.getItem(KEY_STORAGE) || '';
  let controller = null;
  let retryTimer = null;
  let recent = [];
  let selected = null;

  function headers() {
    return adminKey ? { Authorization: 'Bearer ' + adminKey } : {};
  }

  function setStatus(state, text) {
    const el = $('#status');
    el.dataset.state = state;
    el.textContent = text;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('data-')) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  const fmt = {
    ms(v) { return v === null || v === undefined ? '–' : v >= 1000 ? (v / 1000).toFixed(2) + ' s' : Math.round(v) + ' ms'; },
    pct(v) { return (v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0) + ' %'; },
    usd(v) {
      if (v === null || v === undefined) return 'unknown';
      if (v === 0) return '$0';
      return v < 0.01 ? '$' + v.toPrecision(2) : '$' + v.toFixed(4);
    },
    time(iso) { const d = new Date(iso); return isNaN(d) ? iso : d.toLocaleTimeString(); },
    n(v) { return v === null || v === undefined ? '–' : Number(v).toLocaleString(); },
  };

  // ---- auth ----------------------------------------------------------------------------------------------------
  function showAuth(message, error) {
    $('#auth').hidden = false;
    $('#main').hidden = true;
    if (message) $('#auth-message').textContent = message;
    const err = $('#auth-error');
    err.hidden = !error;
    err.textContent = error || '';
    setStatus('auth', 'admin key needed');
    $('#admin-key').focus();
  }

  function hideAuth() {
    $('#auth').hidden = true;
    $('#main').hidden = false;
  }

  $('#key-form').addEventListener('submit', (e) => {
    e.preventDefault();
    adminKey = $('#admin-key').value.trim();
    $('#admin-key').value = '';
    if (adminKey) sessionStorage.setItem(KEY_STORAGE, adminKey);
    else sessionStorage.removeItem(KEY_STORAGE);
    connect();
  });

  // ---- the event stream ----------------------------------------------------------------------------------------
  async function connect() {
    clearTimeout(retryTimer);
    if (controller) controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    setStatus('connecting', 'connecting…');
    let res;
    try {
      res = await fetch(api('v1/admin/events'), { headers: headers(), cache: 'no-store', signal });
    } catch (err) {
      if (signal.aborted) return;
      retry('gateway unreachable');
      return;
    }

    if (res.status === 401) {
      const hadKey = Boolean(adminKey);
      adminKey = '';
      sessionStorage.removeItem(KEY_STORAGE);
      showAuth(null, hadKey ? 'That key was refused.' : null);
      return;
    }
    if (res.status === 403) {
      showAuth('The admin API answers only clients on the gateway\'s own machine while no admin.api_key is configured. '
        + 'Open this page there, or set admin.api_key and enter it here.', await errorText(res));
      return;
    }
    if (!res.ok || !res.body) {
      retry('error ' + res.status + ': ' + (await errorText(res)));
      return;
    }

    hideAuth();
    setStatus('live', 'live');
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
          if (data) onSnapshot(JSON.parse(data));
        }
      }
    } catch (err) {
      if (signal.aborted) return;
    }
    if (!signal.aborted) retry('stream ended');
  }

  async function errorText(res) {
    try {
      const body = await res.json();
      return body?.error?.message || res.statusText;
    } catch {
      return res.statusText;
    }
  }

  function retry(why) {
    setStatus('error', why + '; retrying…');
    retryTimer = setTimeout(connect, 2000);
  }

  window.addEventListener('pagehide', () => controller?.abort());

  function onSnapshot(s) {
    if (s.stats) renderDeployments(s.stats);
    if (s.traffic) renderTraffic(s.traffic);
    if (s.recent) { recent = s.recent.requests; renderRecent(); }
    if (s.config) renderConfig(s.config);
    $('#status').title = 'last update ' + fmt.time(s.generated_at);
  }

  // ---- deployments ---------------------------------------------------------------------------------------------
  const STATES = { closed: 'healthy', open: 'open', half_open: 'half-open', key_disabled: 'disabled key' };

  function limitText(l) {
    if (!l) return '–';
    return fmt.n(l.used) + (l.limit === null || l.limit === undefined ? '' : ' / ' + fmt.n(l.limit));
  }

  function renderDeployments(stats) {
    const rows = [];
    for (const m of stats.models) {
      for (const e of m.endpoints) {
        const state = STATES[e.breaker.state] || e.breaker.state;
        const stateClass = 'state state-' + state.replace(' ', '-');
        const errRate = e.requests > 0 ? e.errors_total / e.requests : 0;
        const key = e.key ? 'key ' + e.key.index + '/' + e.key.of + ' · ' + e.key.fingerprint : 'no key';
        const stateCell = el('td', { 'data-label': 'state' }, el('span', { class: stateClass, text: state }));
        if (e.breaker.open_until && e.breaker.state !== 'closed') {
          stateCell.append(el('div', { class: 'sub', text: 'until ' + fmt.time(e.breaker.open_until) }));
        }
        if (e.last_error) {
          stateCell.title = 'last error ' + e.last_error.status + ' ' + e.last_error.class + ': ' + e.last_error.message;
        }
        const inflight = e.limits.concurrent ? e.in_flight + ' / ' + e.limits.concurrent.limit : String(e.in_flight);
        rows.push(el('tr', { 'data-endpoint': e.name, 'data-model': m.model, 'data-state': e.breaker.state },
          el('td', { class: 'wrap', 'data-label': 'model' }, m.model, m.kind !== 'entry' ? el('div', { class: 'sub', text: m.kind + (m.strategy ? ' · ' + m.strategy : '') }) : null),
          el('td', { class: 'wrap', 'data-label': 'endpoint' }, e.name !== m.model ? e.name : null,
            el('div', { class: e.name !== m.model ? 'sub' : null, text: (e.provider + '/' + e.model === m.model ? '' : e.provider + '/' + e.model + ' · ') + key })),
          stateCell,
          el('td', { class: 'num', 'data-label': 'requests', text: fmt.n(e.requests) }),
          el('td', { class: 'num', 'data-label': 'error rate', text: e.requests ? fmt.pct(errRate) : '–' }),
          el('td', { class: 'num', 'data-label': 'latency p50 / p95', text: fmt.ms(e.latency_ms.p50) + ' / ' + fmt.ms(e.latency_ms.p95) }),
          el('td', { class: 'num', 'data-label': 'TTFT p50 / p95', text: fmt.ms(e.ttft_ms.p50) + ' / ' + fmt.ms(e.ttft_ms.p95) }),
          el('td', { class: 'num', 'data-label': 'rpm used / limit', text: limitText(e.limits.rpm) }),
          el('td', { class: 'num', 'data-label': 'tpm used / limit', text: limitText(e.limits.tpm) }),
          el('td', { class: 'num', 'data-label': 'in flight', text: inflight })));
      }
    }
    $('#deployments-table tbody').replaceChildren(...rows);
    $('#deployments-note').textContent = 'Config ' + stats.config + ' (generation ' + stats.config_generation + '); '
      + rows.length + ' endpoint' + (rows.length === 1 ? '' : 's') + '. Latency and TTFT since the endpoint was first used; rpm/tpm over the last minute.';
  }

  // ---- traffic -------------------------------------------------------------------------------------------------
  const SVG = 'http://www.w3.org/2000/svg';

  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  }

  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  }

  function chart(svg, series, unit) {
    const W = 300, H = 110, top = 12;
    const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
    const nodes = [];
    for (const f of [0.5, 1]) {
      const y = H - (H - top) * f;
      nodes.push(svgEl('line', { x1: 0, x2: W, y1: y, y2: y, class: 'grid' }));
    }
    const label = svgEl('text', { x: 2, y: 9 });
    label.textContent = (max < 0.01 ? max.toPrecision(1) : max.toLocaleString()) + ' ' + unit;
    nodes.push(label);
    for (const s of series) {
      const n = s.values.length;
      const pts = s.values.map((v, i) => (n === 1 ? 0 : (i / (n - 1)) * W).toFixed(1) + ',' + (H - (H - top) * (v / max)).toFixed(1));
      nodes.push(svgEl('polyline', { points: pts.join(' '), class: 'line ' + s.cls }));
    }
    svg.replaceChildren(...nodes);
  }

  function renderTraffic(t) {
    const pts = t.points;
    const per = (f) => pts.map((p) => (p.seconds > 0 ? p[f] / p.seconds : 0));
    chart($('#chart-requests'), [{ values: per('requests'), cls: 's0' }, { values: per('errors'), cls: 's1' }], '/s');
    chart($('#chart-tokens'), [{ values: per('input_tokens'), cls: 's0' }, { values: per('output_tokens'), cls: 's2' }], '/s');
    chart($('#chart-spend'), [{ values: pts.map((p) => (p.seconds > 0 ? (p.spend_usd * 60) / p.seconds : 0)), cls: 's3' }], '$/min');
    const sum = (f) => pts.reduce((a, p) => a + p[f], 0);
    const last = pts.slice(-7, -1); // the last minute of whole intervals
    const lastSeconds = last.reduce((a, p) => a + p.seconds, 0) || 1;
    const rate = (f) => last.reduce((a, p) => a + p[f], 0) / lastSeconds;
    $('#now-requests').textContent = 'now ' + rate('requests').toFixed(2) + '/s';
    $('#now-tokens').textContent = 'now ' + Math.round(rate('input_tokens') + rate('output_tokens')) + '/s';
    $('#now-spend').textContent = '15 min ' + fmt.usd(sum('spend_usd'));
    $('#traffic-note').textContent = fmt.n(sum('requests')) + ' requests, ' + fmt.n(sum('errors')) + ' errors, '
      + fmt.n(sum('input_tokens')) + ' input and ' + fmt.n(sum('output_tokens')) + ' output tokens, ' + fmt.usd(sum('spend_usd'))
      + ' of known spend in the last 15 minutes; ' + t.in_flight + ' in flight now. ' + t.resolution_seconds + '-second intervals.';
  }

  // ---- recent requests -----------------------------------------------------------------------------------------
  function renderRecent() {
    const rows = recent.map((r) => {
      const ok = r.status < 400;
      const tokens = r.input_tokens === null && r.output_tokens === null ? '–' : fmt.n(r.input_tokens) + ' / ' + fmt.n(r.output_tokens);
      const tr = el('tr', { 'data-id': String(r.id), 'data-requested': r.requested_model ?? '', 'data-served': r.served_model ?? '', tabIndex: 0 },
        el('td', { 'data-label': 'time', text: fmt.time(r.time) }),
        el('td', { 'data-label': 'requested', text: r.requested_model ?? '(none)' }),
        el('td', { 'data-label': 'served', text: r.served_model ?? '–' }),
        el('td', { 'data-label': 'route', text: r.route ?? (r.routing_method ?? '–') }),
        el('td', { class: 'why', 'data-label': 'why', text: r.why }),
        el('td', { class: 'num', 'data-label': 'attempts', text: String(r.attempts.length) }),
        el('td', { class: 'num', 'data-label': 'tokens in / out', text: tokens }),
        el('td', { class: 'num', 'data-label': 'cost', text: fmt.usd(r.cost_usd) }),
        el('td', { class: 'num ' + (ok ? 'status-ok' : 'status-bad'), 'data-label': 'status', text: String(r.status) + (r.cut ? ' (cut)' : '') }),
        el('td', { class: 'num', 'data-label': 'duration', text: fmt.ms(r.duration_ms) }));
      if (r.id === selected) tr.classList.add('selected');
      return tr;
    });
    $('#recent-table tbody').replaceChildren(...rows);
  }

  async function showDetail(id) {
    selected = id;
    renderRecent();
    const box = $('#detail');
    box.hidden = false;
    $('#detail-title').textContent = 'Request #' + id;
    $('#detail-body').textContent = 'loading…';
    try {
      const res = await fetch(api('v1/admin/requests/' + encodeURIComponent(id)), { headers: headers(), cache: 'no-store' });
      if (!res.ok) {
        $('#detail-body').textContent = 'error ' + res.status + ': ' + (await errorText(res));
        return;
      }
      const d = await res.json();
      const r = d.request;
      $('#detail-title').textContent = 'Request #' + id + ' · ' + (r.requested_model ?? '(no model)') + ' → ' + (r.served_model ?? 'none') + ' · ' + r.status;
      $('#detail-body').textContent = JSON.stringify({ why: r.why, attempts: r.attempts, explanation: d.explanation, request: r }, null, 2);
    } catch (err) {
      $('#detail-body').textContent = 'error: ' + err.message;
    }
  }

  function rowId(target) {
    const tr = target.closest('#recent-table tbody tr');
    return tr ? Number(tr.dataset.id) : null;
  }

  $('#recent-table tbody').addEventListener('click', (e) => {
    const id = rowId(e.target);
    if (id) showDetail(id);
  });
  $('#recent-table tbody').addEventListener('keydown', (e) => {
    const id = rowId(e.target);
    if (id && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); showDetail(id); }
  });
  $('#detail-close').addEventListener('click', () => { $('#detail').hidden = true; selected = null; renderRecent(); });

  // ---- config --------------------------------------------------------------------------------------------------
  function renderConfig(c) {
    $('#config-meta').textContent = c.source + ' · generation ' + c.generation + ' · ' + c.dialect + ' dialect · admin key '
      + (c.admin_key_set ? 'set' : 'not set (loopback only)');
    const err = $('#config-error');
    if (c.last_error) {
      err.hidden = false;
      err.textContent = 'Last rejected reload (' + fmt.time(c.last_error.at) + '), still serving generation ' + c.last_error.generation + ':\n' + c.last_error.errors.join('\n');
    } else {
      err.hidden = true;
    }
    $('#reload-list').replaceChildren(...c.reloads.map((r) => el('li', { 'data-ok': String(r.ok) },
      fmt.time(r.at) + ' · ' + (r.ok ? 'loaded generation ' + r.generation : 'rejected: ' + r.errors.join('; ')))));
    $('#config-yaml').textContent = c.yaml;
  }

  connect();
})();
