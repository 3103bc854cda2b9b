/**
 * `GET /model/cost_map/ui`: the status page, one self-contained HTML document (inline CSS and script, no
 * CDN, no data, no key). The browser takes the key from `#key=…` or a password field and reads the JSON
 * routes with it; every value is put on the page with `textContent`, since model names come from an upstream file.
 * @module
 */

/** Sent with the page: nothing may load but the page's own nonce'd script and style and its own origin's JSON. */
function headers(nonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src 'nonce-${nonce}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  }
}

/**
 * @internal The status page with a fresh CSP nonce.
 * @example
 * ```ts
 * const res = statusPage()
 * res.headers.get('content-type') // 'text/html; charset=utf-8'
 * ```
 */
export function statusPage(): Response {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  const nonce = btoa(String.fromCharCode(...bytes))
  return new Response(STATUS_PAGE_HTML.replaceAll(NONCE, nonce), { status: 200, headers: headers(nonce) })
}

const NONCE = '__COSTMAP_NONCE__'

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--fg:#1d2330;--muted:#5f6b7a;--line:#e3e6eb;--accent:#2563eb;
--ok:#16a34a;--same:#94a3b8;--bad:#dc2626;--warn:#b45309;--on-accent:#fff;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
@media (prefers-color-scheme:dark){:root{--bg:#0f1318;--card:#171c23;--fg:#e6e9ee;--muted:#9aa5b4;--line:#29313b;
--accent:#60a5fa;--ok:#4ade80;--same:#64748b;--bad:#f87171;--warn:#fbbf24;--on-accent:#0b1220}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header{display:flex;flex-wrap:wrap;gap:12px;align-items:center;justify-content:space-between;padding:12px 20px;
background:var(--card);border-bottom:1px solid var(--line)}
h1{font-size:17px;margin:0;font-weight:650}h1 span{color:var(--muted);font-weight:400}
h2{font-size:15px;margin:0 0 10px;font-weight:650}
main{max-width:1180px;margin:0 auto;padding:16px;display:grid;gap:16px;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr))}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 16px;min-width:0}
section.wide{grid-column:1/-1}
form.key{display:flex;gap:8px;flex-wrap:wrap}
input,select,button{font:inherit;color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:5px 8px;min-width:0}
button{cursor:pointer;background:var(--accent);border-color:var(--accent);color:var(--on-accent)}
button.plain{background:transparent;color:var(--fg);border-color:var(--line)}
button:disabled{opacity:.5;cursor:not-allowed}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.mono{font-family:var(--mono);font-size:12.5px}
.muted{color:var(--muted)}
.msg{padding:8px 12px;border-radius:6px;margin:12px auto 0;max-width:1148px;width:calc(100% - 32px)}
.msg:empty{display:none}
.msg.error{background:color-mix(in srgb,var(--bad) 14%,transparent);color:var(--bad)}
.msg.info{background:color-mix(in srgb,var(--accent) 12%,transparent)}
.controls{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-top:12px;padding-top:12px;border-top:1px solid var(--line)}
.controls input{width:80px}
.suggest{display:flex;flex-wrap:wrap;gap:6px}
.stats{display:flex;flex-wrap:wrap;gap:18px;margin-bottom:8px}
.stat b{display:block;font-size:20px;font-weight:650}.stat span{color:var(--muted);font-size:12px}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);white-space:nowrap}
th{color:var(--muted);font-weight:500}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pill{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;border:1px solid currentColor}
.success,.up{color:var(--ok)}.unchanged{color:var(--same)}.failed,.down{color:var(--bad)}.warn{color:var(--warn)}
svg.chart{width:100%;height:64px;display:block;margin:6px 0 2px}
.axis-labels{display:flex;justify-content:space-between;font-size:11px;margin-bottom:8px}
svg .success{fill:var(--ok)}svg .unchanged{fill:var(--same)}svg .failed{fill:var(--bad)}svg .axis{stroke:var(--line)}
form.calc{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:8px;max-width:1000px}
form.calc label{display:flex;flex-direction:column;gap:3px;font-size:12px;color:var(--muted)}
form.calc label.model{grid-column:span 2}
#calc-result{max-width:640px}
form.calc button{align-self:end}
.total{font-size:26px;font-weight:650;margin:12px 0 4px;font-variant-numeric:tabular-nums}
ul.tags{list-style:none;padding:0;margin:4px 0 10px;display:flex;flex-wrap:wrap;gap:6px}
ul.tags li{font-family:var(--mono);font-size:12px;background:var(--bg);border:1px solid var(--line);border-radius:5px;padding:1px 6px;max-width:100%;overflow-wrap:anywhere}
[hidden]{display:none!important}
@media (max-width:600px){header{padding:10px 12px}main{padding:10px;gap:10px}section{padding:12px}.msg{width:calc(100% - 20px)}}
`

const SCRIPT = `
'use strict';
(function () {
  var KEY = 'costmap.key';
  // The page is served at <basePath>/model/cost_map/ui: every route is relative to the same prefix.
  var ROOT = location.pathname.replace(/\\/model\\/cost_map\\/ui\\/?$/, '');
  // '//host' would be another origin for fetch (CSP's connect-src 'self' refuses it anyway).
  ROOT = ROOT.replace(/^\\/+/, '/').replace(/\\/+$/, '');
  var $ = function (id) { return document.getElementById(id); };
  var key = null;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function setText(id, text) { $(id).textContent = text === null || text === undefined || text === '' ? '—' : String(text); }
  function message(text, kind) { var m = $('message'); m.textContent = text || ''; m.className = 'msg ' + (kind || 'info'); }

  // Enough decimals to show three significant digits, never fewer than min: $0.0075, $2.50, $0.0000001.
  function usd(x, min) {
    if (typeof x !== 'number' || !isFinite(x)) return '—';
    if (x === 0) return '$0';
    min = min || 0;
    var a = Math.abs(x);
    var s = a.toFixed(Math.min(12, Math.max(min, Math.ceil(-Math.log10(a)) + 3)));
    var dot = s.indexOf('.');
    if (dot >= 0) {
      var end = s.length;
      while (end > dot + 1 + min && s.charAt(end - 1) === '0') end--;
      s = s.slice(0, end).replace(/\\.$/, '');
    }
    return (x < 0 ? '-$' : '$') + s;
  }
  function perMillion(x) { return typeof x === 'number' ? usd(x * 1e6, 2) : '—'; }
  function count(n) { return typeof n === 'number' ? n.toLocaleString('en-US') : '—'; }
  function when(iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').replace(/\\.\\d+Z$/, ' UTC');
  }
  function age(iso) {
    var ms = Date.now() - new Date(iso).getTime();
    if (!isFinite(ms)) return '—';
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 90) return s + ' s';
    if (s < 5400) return Math.round(s / 60) + ' min';
    if (s < 172800) return (s / 3600).toFixed(1) + ' h';
    return Math.round(s / 86400) + ' days';
  }

  function api(path, init) {
    init = init || {};
    var headers = init.headers || {};
    headers.authorization = 'Bearer ' + key;
    init.headers = headers;
    init.cache = 'no-store';
    init.credentials = 'same-origin';
    return fetch(ROOT + path, init).then(function (res) {
      return res.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
        return { status: res.status, ok: res.ok, body: body };
      });
    });
  }
  function detail(r) {
    var b = r.body || {};
    var d = b.detail !== undefined ? b.detail : (b.error && b.error.message);
    if (Array.isArray(d)) return d.map(function (x) { return (x.loc || []).slice(1).join('.') + ': ' + x.msg; }).join('; ');
    if (d && typeof d === 'object') return d.error ? String(d.error) : JSON.stringify(d);
    return d ? String(d) : 'HTTP ' + r.status;
  }

  function signedOut(text) {
    $('app').hidden = true;
    $('forget').hidden = true;
    document.querySelectorAll('#app dd, #app tbody, #app ul.tags, #app .stat b, #app .axis-labels span, #sync-chart, #calc-total, #calc-key, #search-count').forEach(clear);
    if (text) message(text, 'error');
  }

  function load() {
    if (!key) { signedOut(); message('Enter a key (or open this page with #key=…) to read the cost map.', 'info'); return Promise.resolve(); }
    message('Loading…', 'info');
    return Promise.all([
      api('/model/cost_map/source'),
      api('/schedule/model_cost_map_reload/status'),
      api('/model/cost_map/syncs'),
      api('/model/cost_map/last_change'),
    ]).then(function (rs) {
      var bad = rs.filter(function (r) { return !r.ok; })[0];
      if (bad) {
        if (bad.status === 401) { sessionStorage.removeItem(KEY); key = null; }
        signedOut('The key was refused (' + bad.status + '): ' + detail(bad));
        return;
      }
      $('app').hidden = false;
      $('forget').hidden = false;
      renderSource(rs[0].body, rs[1].body);
      renderSyncs(rs[2].body);
      renderChange(rs[3].body.data);
      message('', 'info');
      return search();
    }).catch(function (e) { signedOut('Could not reach the server: ' + e.message); });
  }

  function renderSource(s, st) {
    setText('src-source', s.source + (s.is_env_forced ? ' (forced local)' : ''));
    setText('src-url', s.url);
    var sha = $('src-sha'); sha.textContent = s.sha256 ? s.sha256.slice(0, 12) : '—'; sha.title = s.sha256 || '';
    setText('src-models', count(s.model_count));
    $('src-models').dataset.value = String(s.model_count);
    setText('src-loaded', when(s.loaded_at));
    setText('src-age', s.loaded_at ? age(s.loaded_at) : null);
    var fb = $('src-fallback'); fb.textContent = s.fallback_reason || 'none'; fb.className = s.fallback_reason ? 'warn' : 'muted';
    var le = $('src-error'); le.textContent = s.last_error || 'none'; le.className = s.last_error ? 'warn' : 'muted';
    setText('src-schedule', st.scheduled ? 'every ' + st.interval_hours + ' h' : 'not scheduled');
    setText('src-next', st.next_run ? when(st.next_run) : null);
    setText('src-last-success', when(st.last_success));
    setText('src-last-failure', when(st.last_failure));
  }

  function renderSyncs(s) {
    var total = s.counts.success + s.counts.unchanged + s.counts.failed;
    setText('sync-rate', total ? (s.success_rate * 100).toFixed(1) + '%' : '—');
    setText('sync-success', count(s.counts.success));
    setText('sync-unchanged', count(s.counts.unchanged));
    setText('sync-failed', count(s.counts.failed));
    chart(s.data);
    var body = $('syncs-body'); clear(body);
    s.data.slice(0, 25).forEach(function (r) {
      var tr = el('tr');
      var t = el('td', when(r.timestamp).slice(5, 19)); t.title = r.timestamp; tr.appendChild(t);
      var st = el('td'); st.appendChild(el('span', r.status, 'pill ' + r.status)); tr.appendChild(st);
      tr.appendChild(el('td', r.trigger));
      var reason = el('td', r.reason || (r.error ? r.error.slice(0, 80) : ''), 'muted');
      if (r.error) reason.title = r.error;
      tr.appendChild(reason);
      tr.appendChild(el('td', r.duration_ms + ' ms', 'num'));
      tr.appendChild(el('td', count(r.new_models), 'num'));
      tr.appendChild(el('td', count(r.pricing_changes), 'num'));
      body.appendChild(tr);
    });
    $('syncs-empty').hidden = s.data.length > 0;
  }

  function chart(data) {
    var NS = 'http://www.w3.org/2000/svg';
    var svg = $('sync-chart'); clear(svg);
    var W = 600, H = 64;
    var line = document.createElementNS(NS, 'line');
    line.setAttribute('x1', '0'); line.setAttribute('x2', String(W)); line.setAttribute('y1', String(H - 0.5)); line.setAttribute('y2', String(H - 0.5));
    line.setAttribute('class', 'axis'); svg.appendChild(line);
    if (!data.length) return;
    // Oldest on the left, one slot per sync: syncs cluster in time (a burst of retries, a quiet week).
    var ordered = data.slice().reverse();
    var slot = W / Math.max(ordered.length, 24);
    var bw = Math.max(2, slot * 0.7);
    var maxMs = Math.max.apply(null, ordered.map(function (r) { return r.duration_ms; }).concat([1]));
    ordered.forEach(function (r, i) {
      var x = W - (ordered.length - i) * slot;
      var h = Math.max(6, Math.sqrt(r.duration_ms / maxMs) * (H - 4));
      var rect = document.createElementNS(NS, 'rect');
      rect.setAttribute('x', x.toFixed(1)); rect.setAttribute('y', (H - h).toFixed(1));
      rect.setAttribute('width', bw.toFixed(1)); rect.setAttribute('height', h.toFixed(1));
      rect.setAttribute('rx', '1.5'); rect.setAttribute('class', r.status);
      var title = document.createElementNS(NS, 'title');
      title.textContent = when(r.timestamp) + ' · ' + r.status + ' · ' + r.trigger + ' · ' + r.duration_ms + ' ms';
      rect.appendChild(title);
      svg.appendChild(rect);
    });
    setText('chart-from', when(ordered[0].timestamp));
    setText('chart-to', when(ordered[ordered.length - 1].timestamp));
  }

  function tags(id, list, empty) {
    var ul = $(id); clear(ul);
    if (!list.length) { ul.appendChild(el('li', empty)); return; }
    list.slice(0, 60).forEach(function (m) { ul.appendChild(el('li', m)); });
    if (list.length > 60) ul.appendChild(el('li', '+' + (list.length - 60) + ' more'));
  }
  function isTokenPrice(field) { return /per_token|_token_cost/.test(field); }
  function price(field, v) {
    if (v === null || v === undefined) return '—';
    return isTokenPrice(field) ? perMillion(v) : usd(v, 2);
  }

  function renderChange(c) {
    $('change-none').hidden = !!c;
    $('change-detail').hidden = !c;
    if (!c) return;
    setText('chg-when', when(c.timestamp));
    setText('chg-from', c.previous_sha256 ? c.previous_sha256.slice(0, 12) : null);
    setText('chg-to', c.sha256 ? c.sha256.slice(0, 12) : null);
    setText('chg-new-count', count(c.new_models.length));
    setText('chg-removed-count', count(c.removed_models.length));
    setText('chg-price-count', count(c.pricing_changes));
    tags('chg-new', c.new_models, 'none');
    tags('chg-removed', c.removed_models, 'none');
    $('chg-prices').hidden = c.price_changes.length === 0;
    $('chg-no-prices').hidden = c.price_changes.length > 0;
    var body = $('change-body'); clear(body);
    c.price_changes.slice(0, 20).forEach(function (p) {
      var tr = el('tr');
      tr.appendChild(el('td', p.model, 'mono'));
      tr.appendChild(el('td', p.field.replace(/_cost_per_token$|_token_cost$/, ''), 'muted'));
      tr.appendChild(el('td', price(p.field, p.old), 'num'));
      tr.appendChild(el('td', price(p.field, p.new), 'num'));
      var pct = '';
      var cls = 'num';
      if (typeof p.old === 'number' && typeof p.new === 'number' && p.old !== 0) {
        var d = (p.new - p.old) / p.old * 100;
        pct = (d > 0 ? '+' : '') + d.toFixed(1) + '%';
        cls += d > 0 ? ' down' : ' up';
      } else pct = p.old === null ? 'added' : p.new === null ? 'removed' : 'from 0';
      tr.appendChild(el('td', pct, cls));
      body.appendChild(tr);
    });
    var more = c.pricing_changes - Math.min(20, c.price_changes.length);
    setText('chg-more', more > 0 ? '+' + count(more) + ' more price changes' : '');
  }

  function calculate(ev) {
    ev.preventDefault();
    var f = document.forms.calculate;
    var usage = { prompt_tokens: Number(f.prompt_tokens.value || 0), completion_tokens: Number(f.completion_tokens.value || 0) };
    if (f.cached_tokens.value) usage.prompt_tokens_details = { cached_tokens: Number(f.cached_tokens.value) };
    if (f.reasoning_tokens.value) usage.completion_tokens_details = { reasoning_tokens: Number(f.reasoning_tokens.value) };
    var body = { model: f.model.value.trim(), usage: usage };
    if (f.service_tier.value) body.serviceTier = f.service_tier.value;
    $('calc-result').hidden = true;
    $('calc-error').textContent = '';
    clear($('calc-suggestions'));
    return api('/spend/calculate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) {
        if (!r.ok) {
          $('calc-error').textContent = detail(r);
          (r.body && r.body.suggestions || []).slice(0, 8).forEach(function (s) {
            var b = el('button', s, 'plain'); b.type = 'button';
            b.addEventListener('click', function () { f.model.value = s; f.requestSubmit(); });
            $('calc-suggestions').appendChild(b);
          });
          return;
        }
        var res = r.body.result;
        var total = $('calc-total'); total.textContent = usd(r.body.cost, 4); total.dataset.value = String(r.body.cost);
        setText('calc-key', res.key + ' · ' + res.provider);
        var tb = $('calc-breakdown'); clear(tb);
        res.breakdown.forEach(function (c) {
          var tr = el('tr');
          tr.appendChild(el('td', c.component));
          tr.appendChild(el('td', count(c.units) + ' ' + c.unit + (c.units === 1 ? '' : 's'), 'num'));
          tr.appendChild(el('td', c.unit === 'token' ? perMillion(c.rate) + ' / 1M' : usd(c.rate, 2) + ' / ' + c.unit, 'num'));
          tr.appendChild(el('td', usd(c.cost, 4), 'num'));
          tb.appendChild(tr);
        });
        $('calc-result').hidden = false;
      })
      .catch(function (e) { $('calc-error').textContent = e.message; });
  }

  var searchTimer = null;
  function search() {
    var q = $('search-q').value.trim();
    return api('/model/cost_map/search?limit=25&q=' + encodeURIComponent(q)).then(function (r) {
      var body = $('models-body'); clear(body);
      if (!r.ok) { setText('search-count', detail(r)); return; }
      setText('search-count', count(r.body.total) + (r.body.total === 1 ? ' model' : ' models') + (r.body.total > r.body.data.length ? ', first ' + r.body.data.length + ' shown' : ''));
      r.body.data.forEach(function (m) {
        var tr = el('tr');
        tr.appendChild(el('td', m.model, 'mono'));
        tr.appendChild(el('td', m.provider));
        tr.appendChild(el('td', m.mode, 'muted'));
        tr.appendChild(el('td', perMillion(m.input_cost_per_token), 'num'));
        tr.appendChild(el('td', perMillion(m.output_cost_per_token), 'num'));
        tr.appendChild(el('td', perMillion(m.cache_read_input_token_cost), 'num'));
        tr.appendChild(el('td', count(m.max_input_tokens), 'num'));
        body.appendChild(tr);
      });
    });
  }

  function admin(method, path, done) {
    return api(path, { method: method }).then(function (r) {
      if (r.status === 403) {
        document.querySelectorAll('.admin-only').forEach(function (b) { b.disabled = true; });
        message('This key is not an admin key: ' + detail(r), 'error');
        return;
      }
      if (!r.ok) { message(detail(r), 'error'); return; }
      message(done(r.body), 'info');
      return load().then(function () { message(done(r.body), 'info'); });
    });
  }

  function useKey(k) {
    key = k || null;
    if (key) sessionStorage.setItem(KEY, key); else sessionStorage.removeItem(KEY);
    document.querySelectorAll('.admin-only').forEach(function (b) { b.disabled = false; });
    return load();
  }

  // A key in the fragment never reaches the server; it is taken off the address bar (and history) at once.
  var m = /(?:^#|&)key=([^&]*)/.exec(location.hash);
  if (m) {
    history.replaceState(null, '', location.pathname + location.search);
    try { sessionStorage.setItem(KEY, decodeURIComponent(m[1])); } catch (e) { /* a malformed fragment is no key */ }
  }
  $('key-form').addEventListener('submit', function (ev) { ev.preventDefault(); var k = $('key').value; $('key').value = ''; useKey(k); });
  $('forget').addEventListener('click', function () { useKey(null); });
  $('refresh').addEventListener('click', function () { load(); });
  $('reload').addEventListener('click', function () {
    admin('POST', '/reload/model_cost_map', function (b) { return b.message + (b.status === 'unchanged' ? ' (unchanged)' : ''); });
  });
  $('schedule').addEventListener('click', function () {
    admin('POST', '/schedule/model_cost_map_reload?hours=' + encodeURIComponent($('hours').value), function (b) { return b.message; });
  });
  $('cancel').addEventListener('click', function () {
    admin('DELETE', '/schedule/model_cost_map_reload', function (b) { return b.message; });
  });
  document.forms.calculate.addEventListener('submit', calculate);
  $('search-q').addEventListener('input', function () { clearTimeout(searchTimer); searchTimer = setTimeout(search, 200); });
  useKey(sessionStorage.getItem(KEY));
})();
`

const BODY = `
<header>
  <h1>costmap <span>· model cost map status</span></h1>
  <form id="key-form" class="key" autocomplete="off">
    <input id="key" type="password" placeholder="API key" aria-label="API key" autocomplete="off">
    <button type="submit">Use key</button>
    <button type="button" id="forget" class="plain" hidden>Forget key</button>
  </form>
</header>
<p id="message" class="msg info" role="status"></p>
<main id="app" hidden>
  <section id="source">
    <h2>Active map</h2>
    <dl id="source-body-list">
      <dt>Source</dt><dd id="src-source"></dd>
      <dt>URL</dt><dd id="src-url" class="mono"></dd>
      <dt>sha256</dt><dd id="src-sha" class="mono"></dd>
      <dt>Models</dt><dd id="src-models"></dd>
      <dt>Loaded at</dt><dd id="src-loaded"></dd>
      <dt>Age</dt><dd id="src-age"></dd>
      <dt>Fallback</dt><dd id="src-fallback"></dd>
      <dt>Last error</dt><dd id="src-error"></dd>
      <dt>Schedule</dt><dd id="src-schedule"></dd>
      <dt>Next run</dt><dd id="src-next"></dd>
      <dt>Last success</dt><dd id="src-last-success"></dd>
      <dt>Last failure</dt><dd id="src-last-failure"></dd>
    </dl>
    <div class="controls">
      <button type="button" id="reload" class="admin-only">Reload now</button>
      <label>every <input id="hours" type="number" min="0.0167" step="any" value="6" aria-label="hours"> h</label>
      <button type="button" id="schedule" class="admin-only plain">Set schedule</button>
      <button type="button" id="cancel" class="admin-only plain">Cancel schedule</button>
      <button type="button" id="refresh" class="plain">Refresh</button>
    </div>
  </section>
  <section id="syncs">
    <h2>Sync history</h2>
    <div class="stats">
      <div class="stat"><b id="sync-rate"></b><span>success rate</span></div>
      <div class="stat"><b id="sync-success" class="success"></b><span>success</span></div>
      <div class="stat"><b id="sync-unchanged" class="unchanged"></b><span>unchanged</span></div>
      <div class="stat"><b id="sync-failed" class="failed"></b><span>failed</span></div>
    </div>
    <svg id="sync-chart" class="chart" viewBox="0 0 600 64" preserveAspectRatio="none" role="img" aria-label="Syncs over time: height is the duration, colour the status"></svg>
    <div class="axis-labels muted"><span id="chart-from"></span><span id="chart-to"></span></div>
    <div class="scroll"><table>
      <thead><tr><th>Time</th><th>Status</th><th>Trigger</th><th>Reason</th><th class="num">Duration</th><th class="num">New</th><th class="num">Prices</th></tr></thead>
      <tbody id="syncs-body"></tbody>
    </table></div>
    <p id="syncs-empty" class="muted" hidden>No sync yet.</p>
  </section>
  <section id="change" class="wide">
    <h2>Last change</h2>
    <p id="change-none" class="muted">The map has not changed since this server started.</p>
    <div id="change-detail" hidden>
      <div class="stats">
        <div class="stat"><b id="chg-new-count"></b><span>new models</span></div>
        <div class="stat"><b id="chg-removed-count"></b><span>removed models</span></div>
        <div class="stat"><b id="chg-price-count"></b><span>price changes</span></div>
      </div>
      <p class="muted"><span id="chg-when"></span> · <span id="chg-from" class="mono"></span> → <span id="chg-to" class="mono"></span></p>
      <div>New models</div><ul id="chg-new" class="tags"></ul>
      <div>Removed models</div><ul id="chg-removed" class="tags"></ul>
      <p id="chg-no-prices" class="muted">No price changed.</p>
      <div id="chg-prices" class="scroll"><table>
        <thead><tr><th>Model</th><th>Price</th><th class="num">Old / 1M</th><th class="num">New / 1M</th><th class="num">Change</th></tr></thead>
        <tbody id="change-body"></tbody>
      </table></div>
      <p id="chg-more" class="muted"></p>
    </div>
  </section>
  <section id="calc" class="wide">
    <h2>Price calculator</h2>
    <form name="calculate" class="calc">
      <label class="model">Model<input name="model" value="gpt-4o" required autocomplete="off"></label>
      <label>Prompt tokens<input name="prompt_tokens" type="number" min="0" value="1000"></label>
      <label>Completion tokens<input name="completion_tokens" type="number" min="0" value="500"></label>
      <label>Cached prompt tokens<input name="cached_tokens" type="number" min="0"></label>
      <label>Reasoning tokens<input name="reasoning_tokens" type="number" min="0"></label>
      <label>Service tier<select name="service_tier"><option value="">standard</option><option value="priority">priority</option><option value="flex">flex</option></select></label>
      <button type="submit">Calculate</button>
    </form>
    <p id="calc-error" class="failed" role="alert"></p>
    <div id="calc-suggestions" class="suggest"></div>
    <div id="calc-result" hidden>
      <div id="calc-total" class="total"></div>
      <div id="calc-key" class="muted mono"></div>
      <div class="scroll"><table>
        <thead><tr><th>Component</th><th class="num">Units</th><th class="num">Rate</th><th class="num">Cost</th></tr></thead>
        <tbody id="calc-breakdown"></tbody>
      </table></div>
    </div>
  </section>
  <section id="models" class="wide">
    <h2>Models</h2>
    <input id="search-q" type="search" placeholder="Search name or provider (e.g. claude sonnet)" aria-label="Search models" autocomplete="off">
    <p id="search-count" class="muted"></p>
    <div class="scroll"><table>
      <thead><tr><th>Model</th><th>Provider</th><th>Mode</th><th class="num">Input / 1M</th><th class="num">Output / 1M</th><th class="num">Cached / 1M</th><th class="num">Context</th></tr></thead>
      <tbody id="models-body"></tbody>
    </table></div>
  </section>
</main>
`

/** @internal The page with a nonce placeholder (exported for the size test). */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>costmap status</title>
<style nonce="${NONCE}">${STYLE}</style>
</head>
<body>${BODY}<script nonce="${NONCE}">${SCRIPT}</script>
</body>
</html>
`
