// LTO live console: /ws/metrics and /ws/alerts plus the alerts and console REST APIs of this
// service. Plain JavaScript, no library, no build step: the page works air-gapped.
(function () {
  'use strict';
  const SPARK_POINTS = 60; // 5 minutes of 5 s frames
  const history = { health: [], jpm: [] };
  const alerts = new Map(); // alert_id -> alert (REST view or frame)
  const $ = (id) => document.getElementById(id);
  const wsUrl = (path) => (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + path;

  const who = $('who');

  // The API key (docs/security.md): typed into the header field, or handed over once as #key=... (the
  // fragment never reaches a server or a log); kept in this tab's sessionStorage only. Every REST call
  // sends it as X-API-Key; a WebSocket, which cannot carry a header, connects with a single-use ticket.
  const keyInput = $('api-key');
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('key');
  if (fromHash) {
    sessionStorage.setItem('lto.key', fromHash);
    window.history.replaceState(null, '', location.pathname + location.search);
  }
  keyInput.value = sessionStorage.getItem('lto.key') || '';
  keyInput.addEventListener('change', () => { sessionStorage.setItem('lto.key', keyInput.value.trim()); loadActive(); loadJobs(); });
  function api(path, options) {
    const o = Object.assign({}, options || {});
    o.headers = Object.assign({ 'X-API-Key': keyInput.value.trim() }, o.headers || {});
    return fetch(path, o);
  }
  async function ticketed(path) {
    const r = await api('/api/v1/ws-tickets', { method: 'POST' });
    if (!r.ok) throw new Error(r.status === 401 ? 'enter an API key' : 'ticket: HTTP ' + r.status);
    const t = await r.json();
    return wsUrl(path) + (t.ticket ? '?ticket=' + encodeURIComponent(t.ticket) : '');
  }

  // A report or picture opens on intelligence-service in a new tab, which cannot send the key: each click
  // gets a fresh single-use ticket (the one WebSockets use, valid 30 s) and opens the page with it. The tab
  // is opened during the click, before the ticket arrives, so no popup blocker stops it.
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[data-ticketed]');
    if (!a || e.button !== 0) return;
    e.preventDefault();
    const tab = window.open('about:blank', '_blank');
    if (!tab) return;
    tab.opener = null;
    api('/api/v1/ws-tickets', { method: 'POST' })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}))
      .then((t) => { tab.location.href = a.href + (t.ticket ? '?ticket=' + encodeURIComponent(t.ticket) : ''); });
  });

  function text(el, value) { el.textContent = value; return el; }
  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) e.setAttribute(k, v); });
    (children || []).forEach((c) => e.append(c));
    return e;
  }
  function fmt(v, digits) { return v === null || v === undefined ? '–' : Number(v).toFixed(digits); }
  function time(iso) { return iso ? new Date(iso).toLocaleTimeString() : ''; }

  // Reconnects with back-off; each endpoint shows its state in the header.
  function stream(path, label, onFrame, onOpen) {
    let delay = 1000;
    const badge = $('conn-' + label);
    (async function connect() {
      let url;
      try {
        url = await ticketed(path);
      } catch (err) {
        badge.className = 'conn down';
        badge.textContent = label + ': ' + err.message;
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 15000);
        return;
      }
      const ws = new WebSocket(url);
      ws.onopen = () => { delay = 1000; badge.className = 'conn up'; badge.textContent = label + ': live'; if (onOpen) onOpen(); };
      ws.onmessage = (m) => onFrame(JSON.parse(m.data));
      ws.onclose = (e) => {
        badge.className = 'conn down';
        badge.textContent = label + ': reconnecting' + (e.reason ? ' (' + e.reason + ')' : '');
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 15000);
      };
    })();
  }

  function spark(svg, values, min, max) {
    svg.replaceChildren();
    if (values.length < 2) return;
    const lo = min !== undefined ? min : Math.min(...values);
    const hi = max !== undefined ? max : Math.max(...values, lo + 1e-9);
    const pts = values.map((v, i) => {
      const x = (i / (SPARK_POINTS - 1)) * 200;
      const y = 38 - ((v - lo) / (hi - lo || 1)) * 36;
      return x.toFixed(1) + ',' + y.toFixed(1);
    });
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', pts.join(' '));
    svg.append(line);
  }

  function push(series, v) {
    if (v === null || v === undefined) return;
    series.push(v);
    if (series.length > SPARK_POINTS) series.shift();
  }

  function score(id, s) {
    const target = $('t-' + id);
    target.replaceChildren(text(document.createTextNode(''), fmt(s && s.current, 3)));
    if (s) target.append(text(el('span', { class: 'trend ' + s.trend }), s.trend));
  }

  function onMetrics(f) {
    $('frame').textContent = JSON.stringify(f, null, 2);
    $('m-health').textContent = fmt(f.system_health, 2);
    $('m-jpm').textContent = fmt(f.jobs_per_minute, 1);
    $('m-active').textContent = f.active_jobs;
    $('m-alerts').textContent = f.alerts_active;
    $('m-gpu').textContent = f.gpu_utilization === null ? 'n/a' : fmt(f.gpu_utilization * 100, 0) + ' %';
    $('m-gpu-note').textContent = f.gpu_utilization === null ? 'no GPU worker reported' : '';
    ['speed_vs_accuracy', 'yield_risk', 'compute_efficiency'].forEach((k) => score(k, f.tradeoff_scores[k]));
    push(history.health, f.system_health);
    push(history.jpm, f.jobs_per_minute);
    spark($('spark-health'), history.health, 0, 1);
    spark($('spark-jpm'), history.jpm, 0);
    loadJobs();
  }

  function jobLink(jobId, base) {
    return jobId ? el('a', { href: base + '/api/v1/jobs/' + jobId + '/report', target: '_blank', 'data-ticketed': '' }, [jobId]) : '';
  }

  let jobsBase = '';
  function renderAlerts() {
    const body = $('alerts').tBodies[0];
    const rows = [...alerts.values()].sort((a, b) => (b.fired_at || b.timestamp).localeCompare(a.fired_at || a.timestamp));
    body.replaceChildren(...rows.map((a) => {
      const ack = text(el('button', { 'data-ack': a.alert_id }), 'Ack');
      ack.addEventListener('click', () => acknowledge(a.alert_id, ack));
      return el('tr', { 'data-alert-id': a.alert_id }, [
        el('td', {}, [text(el('span', { class: 'sev ' + a.severity }), a.severity)]),
        text(el('td'), a.alert_type || ''),
        text(el('td'), a.message || ''),
        text(el('td'), a.recommendation || ''),
        el('td', {}, [jobLink(a.job_id, jobsBase)]),
        text(el('td'), time(a.fired_at || a.timestamp)),
        el('td', {}, [ack])]);
    }));
    $('alerts-empty').style.display = rows.length ? 'none' : '';
  }

  async function acknowledge(id, button) {
    button.disabled = true;
    const r = await api('/api/v1/alerts/' + encodeURIComponent(id) + '/ack', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ acknowledged_by: who.value || 'console' }) });
    if (r.ok || r.status === 409 || r.status === 404) { // acknowledged now, or already acknowledged/resolved/gone
      alerts.delete(id);
      renderAlerts();
    } else {
      button.disabled = false;
      button.title = 'ack failed: HTTP ' + r.status;
    }
  }

  async function loadActive() {
    const r = await api('/api/v1/alerts/active');
    if (!r.ok) return;
    const list = await r.json();
    list.alerts.forEach((a) => alerts.set(a.alert_id, Object.assign(alerts.get(a.alert_id) || {}, a)));
    renderAlerts();
  }

  async function fillIn(id) { // a frame carries the seed's fields; the REST view adds type and fired_at
    const r = await api('/api/v1/alerts/' + encodeURIComponent(id));
    if (r.ok && alerts.has(id)) {
      const a = await r.json();
      if (a.status === 'FIRING') { Object.assign(alerts.get(id), a); } else { alerts.delete(id); }
      renderAlerts();
    }
  }

  function onAlert(f) {
    if (f.frame_type === 'alert') {
      alerts.set(f.alert_id, Object.assign(alerts.get(f.alert_id) || {}, f));
      renderAlerts();
      fillIn(f.alert_id);
    } else if (f.frame_type === 'alert_update') {
      alerts.delete(f.alert_id);
      renderAlerts();
    }
  }

  async function loadJobs() {
    const r = await api('/api/v1/console/recent-jobs');
    if (!r.ok) return;
    const page = await r.json();
    jobsBase = page.jobs_base_url;
    $('jobs').tBodies[0].replaceChildren(...page.jobs.map((j) => el('tr', { 'data-job-id': j.job_id }, [
      el('td', {}, [el('a', { href: j.report_url, target: '_blank', 'data-ticketed': '' }, [j.job_id])]),
      text(el('td'), j.state),
      text(el('td'), time(j.at)),
      text(el('td'), j.reason || ''),
      el('td', {}, [el('a', { href: j.report_url, target: '_blank', 'data-ticketed': '' }, ['report'])].concat(
        j.aerial_png_url ? [' · ', el('a', { href: j.aerial_png_url, target: '_blank', 'data-ticketed': '' }, ['aerial.png'])] : []))])));
    $('jobs-empty').style.display = page.jobs.length ? 'none' : '';
  }

  stream('/ws/metrics', 'metrics', onMetrics);
  // Listen first, then load the list: an alert fired in between is not missed.
  stream('/ws/alerts', 'alerts', onAlert, loadActive);
  loadJobs();
  setInterval(loadJobs, 5000); // also when no metric frame comes
})();
