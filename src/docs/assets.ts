// The page's only style sheet and script, inlined: no font, no CDN, no fetch. System fonts; light and dark.

/** Inline CSS of the docs page. */
export const PAGE_CSS = `
:root{--bg:#fff;--fg:#1d232a;--muted:#5b6570;--line:#dfe3e8;--soft:#f5f7f9;--accent:#0b62c4;--hit:#fff2b3;
--s2c:#0f7b4d;--c2s:#8a4b08;--both:#5b3cc4;--node:#eef4fb;--node-line:#7aa3d4;--bad:#b42318;--ok:#0f7b4d;
font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
@media (prefers-color-scheme:dark){:root{--bg:#14181c;--fg:#e3e7eb;--muted:#9aa4ae;--line:#2e353c;--soft:#1b2026;
--accent:#6aa8ff;--hit:#4a4318;--s2c:#4cc38a;--c2s:#f0a35c;--both:#a993ff;--node:#1d2a38;--node-line:#4e79aa}}
*{box-sizing:border-box}body{margin:0}[hidden]{display:none!important}
a{color:var(--accent)}code,pre,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.86em}
code{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 .25em;overflow-wrap:anywhere}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:.7em .9em;overflow:auto;max-height:32em}
pre code{background:none;border:0;padding:0}pre.example{white-space:pre-wrap;overflow-wrap:anywhere}
.top{position:sticky;top:0;z-index:2;display:flex;gap:1em;align-items:center;padding:.55em 1.2em;background:var(--bg);border-bottom:1px solid var(--line)}
.top h1{font-size:1.05em;margin:0;white-space:nowrap}.top .ver{color:var(--muted);font-weight:400}
.search{margin-left:auto;display:flex;gap:.6em;align-items:center}
.search input{width:min(22em,48vw);font:inherit;padding:.35em .6em;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
#search-status{color:var(--muted);font-size:.9em;min-width:8em}
.layout{display:flex;align-items:flex-start}
nav{position:sticky;top:3.2em;width:16.5em;flex:none;max-height:calc(100vh - 3.2em);overflow:auto;padding:1em .8em 2em 1.2em;border-right:1px solid var(--line);font-size:.92em}
nav ul{list-style:none;margin:0;padding:0}nav li{margin:.1em 0}nav ul ul{padding-left:.9em}
nav a{display:block;padding:.12em .45em;border-radius:4px;color:var(--fg);text-decoration:none;overflow:hidden;text-overflow:ellipsis}
nav a:hover{background:var(--soft)}nav a.active{background:var(--node);color:var(--accent);font-weight:600}
nav .group{margin-top:.5em;color:var(--muted);font-size:.85em;text-transform:uppercase;letter-spacing:.04em;padding-left:.45em}
main{flex:1;min-width:0;padding:1em 2em 6em;max-width:74em}
section,article,.rule,tr[id],h3[id]{scroll-margin-top:3.6em}
section{border-bottom:1px solid var(--line);padding-bottom:1.2em}
h2{font-size:1.45em;margin:1.4em 0 .5em}h3{font-size:1.12em;margin:1.4em 0 .4em}h4{font-size:.98em;margin:1.2em 0 .35em}
.lead{color:var(--muted)}.muted{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em;font-size:.92em}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid var(--line);padding:.35em .5em;overflow-wrap:anywhere}
th{background:var(--soft);font-weight:600}
.badge{display:inline-block;font-size:.75em;font-weight:600;border-radius:999px;padding:.05em .6em;border:1px solid currentColor;vertical-align:middle;white-space:nowrap}
.badge.send{color:var(--s2c)}.badge.receive{color:var(--c2s)}.badge.both,.badge.none{color:var(--both)}
.badge.warn{color:var(--c2s)}.badge.bad{color:var(--bad)}.badge.ok{color:var(--ok)}
article.message{border:1px solid var(--line);border-radius:8px;padding:.2em 1.2em 1em;margin:1.2em 0}
article.message h3{display:flex;gap:.6em;align-items:center;flex-wrap:wrap}
.anchor{color:var(--muted);text-decoration:none;font-weight:400}.anchor:hover{color:var(--accent)}
table.fields{table-layout:fixed}table.fields th:nth-child(1){width:27%}table.fields th:nth-child(2){width:16%}
table.fields th:nth-child(3){width:8.5%}table.fields th:nth-child(4){width:22%}table.fields td{overflow-wrap:anywhere}
table.handshake{table-layout:fixed}table.handshake td{overflow-wrap:anywhere}
table.handshake th:nth-child(1){width:19%}table.handshake th:nth-child(2){width:10%}table.handshake th:nth-child(3){width:33%}
td p{margin:0 0 .3em}td p:last-child{margin:0}
table.fields .parent{color:var(--muted)}
table.fields tr.variant td{background:var(--soft);font-style:italic}
table.fields tr.hit td{background:var(--hit)}
table.fields .req{font-weight:600}
${Array.from({ length: 10 }, (_, d) => `.d${d} td:first-child{padding-left:${(0.5 + d * 1.1).toFixed(1)}em}`).join('')}
.cons{margin:0;padding:0;list-style:none}
.provenance{font-size:.9em;color:var(--muted)}
.lifecycle-box{overflow:auto;border:1px solid var(--line);border-radius:8px;padding:.5em;background:var(--bg)}
svg.lifecycle{display:block;max-width:100%;height:auto;font:12px ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace}
.lc-node rect{fill:var(--node);stroke:var(--node-line);stroke-width:1.3}.lc-node text{fill:var(--fg);text-anchor:middle}
.lc-start rect{stroke-width:2.2}.lc-terminal rect.lc-inner{fill:none}
.lc-edge{fill:none;stroke:var(--muted);stroke-width:1.3}.lc-back{stroke:var(--accent);stroke-dasharray:5 3}
.lc-self{stroke:var(--accent)}#lc-arrow path,.lc-dot{fill:var(--muted)}
.lc-pair rect{fill:none;stroke:var(--both);stroke-dasharray:4 4}
.lc-pair text{fill:var(--both);text-anchor:end;font-size:11px;paint-order:stroke;stroke:var(--bg);stroke-width:4px;stroke-linejoin:round}
.rule{border-left:3px solid var(--line);padding:.1em 0 .1em 1em;margin:1em 0}
.rule h4{margin:.2em 0;display:flex;gap:.6em;align-items:center;flex-wrap:wrap}
dl.kv{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.15em 1em;margin:.4em 0}dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;min-width:0}
body.searching main>section:not(#messages){display:none}
@media (max-width:900px){.layout{display:block}nav{position:static;width:auto;max-height:none;border-right:0;border-bottom:1px solid var(--line)}main{padding:1em}.top{flex-wrap:wrap}.top h1{white-space:normal}}
@media (max-width:600px){main{padding:.8em .6em 4em}article.message{padding:.2em .7em .8em}.search{margin-left:0;width:100%}.search input{flex:1;width:auto}
table.fields,table.fields tbody,table.fields tr,table.fields td{display:block;width:auto}table.fields thead{display:none}
table.fields tr{border-bottom:1px solid var(--line);padding:.3em 0}table.fields td{border:0;padding:.05em .5em}table.fields td:empty{display:none}
table.handshake th:nth-child(n),table.fields th:nth-child(n){width:auto}dl.kv{grid-template-columns:minmax(0,1fr)}dl.kv dd{margin-bottom:.3em}}
`.trim();

/** Inline script of the docs page: search/filter over messages and fields, and the active nav entry. */
export const PAGE_JS = `
(function () {
  'use strict';
  var input = document.getElementById('search');
  var status = document.getElementById('search-status');
  var messages = Array.prototype.slice.call(document.querySelectorAll('article.message'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('[data-group-heading]'));
  function navLink(id) { return document.querySelector('nav a[href="#' + id + '"]'); }
  function apply() {
    var q = input.value.trim().toLowerCase();
    document.body.classList.toggle('searching', q !== '');
    var shownMessages = 0, shownFields = 0;
    messages.forEach(function (m) {
      var own = q === '' || m.getAttribute('data-search').indexOf(q) >= 0;
      var hits = 0;
      Array.prototype.forEach.call(m.querySelectorAll('tr[data-field]'), function (row) {
        var hit = q !== '' && row.getAttribute('data-field').indexOf(q) >= 0;
        row.classList.toggle('hit', hit);
        row.hidden = q !== '' && !own && !hit;
        if (hit) hits++;
      });
      var visible = own || hits > 0;
      m.hidden = !visible;
      var link = navLink(m.id);
      if (link) link.parentNode.hidden = !visible;
      if (visible) shownMessages++;
      shownFields += hits;
    });
    groups.forEach(function (g) {
      var any = document.querySelector('article.message[data-group="' + g.getAttribute('data-group-heading') + '"]:not([hidden])');
      g.hidden = !any;
    });
    status.textContent = q === '' ? '' : shownMessages === 0 ? 'No match for \\u201c' + input.value.trim() + '\\u201d'
      : shownMessages + (shownMessages === 1 ? ' message' : ' messages') + ', ' + shownFields + (shownFields === 1 ? ' field' : ' fields');
    status.classList.toggle('none', q !== '' && shownMessages === 0);
    document.body.setAttribute('data-matches', String(q === '' ? -1 : shownMessages));
  }
  input.addEventListener('input', apply);
  input.addEventListener('keydown', function (e) { if (e.key === 'Escape') { input.value = ''; apply(); } });
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== input) { e.preventDefault(); input.focus(); }
  });
  var targets = Array.prototype.slice.call(document.querySelectorAll('nav a[href^="#"]')).map(function (a) {
    return { link: a, el: document.getElementById(a.getAttribute('href').slice(1)) };
  }).filter(function (t) { return t.el; });
  var current = null;
  var lockedUntil = 0; // after a jump to an anchor, the scroll it causes must not pick another entry
  function activate(link) {
    if (current === link) return;
    if (current) { current.classList.remove('active'); current.removeAttribute('aria-current'); }
    current = link;
    if (link) { link.classList.add('active'); link.setAttribute('aria-current', 'location'); }
  }
  function onScroll() {
    if (Date.now() < lockedUntil) return;
    var best = null, bestTop = -Infinity;
    targets.forEach(function (t) {
      if (t.el.offsetParent === null) return;
      var top = t.el.getBoundingClientRect().top;
      if (top <= 90 && top > bestTop) { best = t.link; bestTop = top; }
    });
    activate(best || (targets[0] && targets[0].link));
  }
  var pending = false;
  window.addEventListener('scroll', function () {
    if (!pending) { pending = true; window.requestAnimationFrame(function () { pending = false; onScroll(); }); }
  }, { passive: true });
  function onHash() {
    var link = navLink(decodeURIComponent(location.hash.slice(1)));
    if (link) { activate(link); lockedUntil = Date.now() + 400; } else onScroll();
  }
  window.addEventListener('hashchange', onHash);
  targets.forEach(function (t) {
    t.link.addEventListener('click', function () { activate(t.link); lockedUntil = Date.now() + 400; });
  });
  if (input.value) apply();
  onHash();
})();
`.trim();
