// The web page at /: plain HTML and JS, no build step. It holds no data: it reads its filters
// from the query string (so a filtered view is a link), calls /api/mentions (/api/search when a
// search query is given) and builds the list
// with textContent only, so no stored text is ever parsed as HTML. A bearer token, when the
// server wants one, is taken from the URL fragment (#token=..., never sent to the server in the
// URL) and kept in sessionStorage.
#include "app/http_api.h"

namespace kuzet::app {

const std::string& WebPageHtml() {
  static const std::string kPage = R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kuzet mentions</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5em auto; max-width: 60em; padding: 0 1em; }
form { display: flex; flex-wrap: wrap; gap: .5em; align-items: end; margin-bottom: 1em; }
label { display: flex; flex-direction: column; font-size: 13px; color: #444; }
input { font: inherit; padding: .2em .4em; width: 10em; }
ol { list-style: none; padding: 0; }
li.mention { border-top: 1px solid #ddd; padding: .6em 0; }
.meta { font-size: 13px; color: #555; }
.rule { background: #eef; border-radius: 3px; padding: 0 .3em; }
mark { background: #ffe066; }
#status.error { color: #b00; }
</style>
</head>
<body>
<h1>Kuzet mentions</h1>
<form id="filters">
  <label>search <input name="q" placeholder="Zhanaozen AND strike" autocomplete="off"></label>
  <label>rule <input name="rule" autocomplete="off"></label>
  <label>language <input name="lang" placeholder="en, ru, kk" autocomplete="off"></label>
  <label>site <input name="site" autocomplete="off"></label>
  <label>since <input name="since" placeholder="24h or 2026-11-01" autocomplete="off"></label>
  <button type="submit">Filter</button>
</form>
<p id="status" role="status"></p>
<ol id="mentions"></ol>
<button id="older" type="button" hidden>Older mentions</button>
<script>
"use strict";
const FILTERS = ["q", "rule", "lang", "site", "since"];
const form = document.getElementById("filters");
const list = document.getElementById("mentions");
const statusLine = document.getElementById("status");
const older = document.getElementById("older");
let nextCursor = null;

function token() {
  const m = location.hash.match(/[#&]token=([^&]*)/);
  if (m) {
    sessionStorage.setItem("kuzet-token", decodeURIComponent(m[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem("kuzet-token") || "";
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render(m) {
  const li = el("li", "mention");
  li.dataset.id = m.id || m.doc_id;  // a search result is a document
  const title = el("a", "title", m.title || m.url);
  // Only web links are made clickable: a stored javascript: URL must not run here.
  if (/^https?:\/\//i.test(m.url)) title.href = m.url;
  title.rel = "noopener noreferrer";
  const meta = el("div", "meta");
  meta.append(el("span", "rule", m.rule || "search"), " ", el("span", "site", m.site), " ",
              el("span", "lang", m.lang || "?"), " ", el("time", "found", m.found_at || m.fetched_at));
  const snippet = el("p", "snippet");
  const parts = m.snippet_parts;
  snippet.append(parts.before, el("mark", "", parts.match), parts.after);
  li.append(title, meta, snippet);
  return li;
}

function filterParams() {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = form.elements[name].value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

async function load(append) {
  const params = filterParams();
  if (append && nextCursor) params.set("before", nextCursor);
  const headers = {};
  const t = token();
  if (t) headers["Authorization"] = "Bearer " + t;
  statusLine.className = "";
  statusLine.textContent = "Loading…";
  let body;
  try {
    // With a query the stored articles are searched (/api/search), else mentions listed.
    const api = params.has("q") ? "api/search?" : "api/mentions?";
    const response = await fetch(api + params.toString(), {headers});
    body = await response.json();
    if (response.status === 401) {
      throw new Error("this server needs a token: open this page as …/#token=YOUR-TOKEN");
    }
    if (!response.ok) throw new Error(body.error || response.statusText);
  } catch (e) {
    statusLine.className = "error";
    statusLine.textContent = "Error: " + e.message;
    return;
  }
  if (!append) list.replaceChildren();
  for (const m of body.mentions || body.results) list.append(render(m));
  nextCursor = body.next_before;
  older.hidden = !nextCursor;
  const n = list.children.length;
  const noun = params.has("q") ? "result" : "mention";
  statusLine.textContent = n === 0 ? "No " + noun + "s." : n + " " + noun + (n === 1 ? "" : "s");
  document.body.dataset.loaded = "true";
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = filterParams().toString();
  history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  load(false);
});
older.addEventListener("click", () => load(true));

const initial = new URLSearchParams(location.search);
for (const name of FILTERS) form.elements[name].value = initial.get(name) || "";
load(false);
</script>
</body>
</html>
)HTML";
  return kPage;
}

}  // namespace kuzet::app
