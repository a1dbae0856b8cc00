// page.css and page.js of the web page (app/web_page.h): plain CSS and JS, no build step.
#include "app/web_page.h"

namespace kuzet::app {

// Narrow screens first: one column, fields and long words wrap, nothing wider than the viewport
// (a phone at 390 CSS pixels never scrolls sideways).
const std::string& WebPageCss() {
  static const std::string kCss = R"CSS(
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 62em; padding: .5em 1em 2em;
       color: #1d1d1f; background: #fff; overflow-wrap: anywhere; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: .3em 1em; }
h1 { font-size: 1.4em; margin: .4em 0; flex: 1 1 auto; }
#filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(11em, 1fr)); gap: .5em 1em;
           align-items: end; margin: 0 0 1em; padding: .7em; background: #f5f5f7; border-radius: 6px; }
.field { display: flex; flex-direction: column; min-width: 0; }
.field label { font-size: 13px; color: #444; }
.tz { color: #777; }
select, input, button { font: inherit; min-width: 0; max-width: 100%; padding: .25em .4em; }
.buttons { flex-direction: row; align-items: center; gap: 1em; }
#status { color: #444; }
#status.error { color: #b00; }
#articles { list-style: none; padding: 0; margin: 0; }
.article { border-top: 1px solid #ddd; padding: .7em 0; }
.article h2 { font-size: 1.05em; margin: 0 0 .2em; }
.meta { font-size: 13px; color: #555; margin: 0 0 .3em; }
.meta .site { font-weight: 600; }
.rules, .snippets, .also-at ul { list-style: none; padding: 0; margin: .2em 0; }
.rules li { display: inline-block; margin: 0 .3em .2em 0; }
.chip { display: inline-block; background: #e6e9ff; color: #223; border-radius: 3px; padding: 0 .35em;
        font-size: 13px; text-decoration: none; }
.snippets li { margin: .25em 0; }
mark { background: #ffe066; }
.also-at { font-size: 13px; color: #444; }
.also-at ul { display: inline; }
.also-at li { display: inline; }
.also-at li + li::before { content: ", "; }
.story-link { font-size: 13px; margin: .2em 0 0; }
#story { background: #f8f6ee; border-radius: 6px; padding: .5em .8em; margin-bottom: 1em; }
#story h2 { font-size: 1.1em; }
.places li { margin: .2em 0; }
/* Stored text with an unterminated bidi override (U+202E) reorders only itself (UAX #9 isolates). */
.title a, .site, .lang, .snippets li, .also-at a, .places a, .url,
.name, .record, .doc-url a, del, ins { unicode-bidi: isolate; }
nav { margin: 1em 0; }
.doc-link { font-size: 13px; margin: .2em 0 0; }
#document h2 { font-size: 1.15em; margin: .3em 0; }
.doc-url { font-size: 13px; margin: 0 0 .3em; }
#timeline h2 { font-size: 1.05em; margin: 1em 0 .3em; }
.versions { list-style: none; padding: 0; margin: 0; }
.version { border-top: 1px solid #ddd; padding: .5em 0; }
.version p { margin: .15em 0; }
.version-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .2em .6em; }
.number { font-weight: 600; }
.http, .digest, .names-removed, .names-added, .landed, .evidence { font-size: 13px; color: #444; }
.kind { display: inline-block; background: #eee; border-radius: 3px; padding: 0 .35em; font-size: 13px; }
.kind.alerts { background: #ffd7d2; color: #7a0b00; }
.evidence ul { list-style: none; padding: 0; margin: .1em 0; }
.diff { background: #f7f7f9; border-radius: 4px; padding: .3em .6em; margin: .3em 0; }
.diff-text { white-space: pre-wrap; }
del { background: #ffd7d2; color: #7a0b00; }
ins { background: #d5f5d5; color: #0b4d0b; }
.gap { color: #777; }
.diff .more { font-size: 13px; color: #444; }
code { overflow-wrap: anywhere; }
)CSS";
  return kCss;
}

// Progressive enhancement of the server-rendered page: local times, since/until read in local
// time, and the token mode (a server that wants a bearer token: the page is fetched with the
// token from the URL fragment, kept in sessionStorage, and swapped in). Stored text is only ever
// moved as nodes the server escaped; nothing here builds HTML from strings.
const std::string& WebPageScript() {
  static const std::string kScript = R"JS("use strict";
(() => {
  const TOKEN_KEY = "kuzet-token";

  function token() {
    const m = location.hash.match(/[#&]token=([^&]*)/);
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      history.replaceState(null, "", location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY) || "";
  }

  const pad = (n) => String(n).padStart(2, "0");
  // A datetime-local value in the viewer's time zone.
  const localValue = (d) => d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  // A datetime-local value (read as local time, ECMA-262 Date Time String Format) in UTC.
  function utcValue(value) {
    const d = new Date(value);
    return isNaN(d.getTime()) ? value : d.toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  const shown = new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "short"});
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "local time";

  function enhance() {
    for (const t of document.querySelectorAll("time[datetime]")) {
      const d = new Date(t.getAttribute("datetime"));
      if (isNaN(d.getTime())) continue;
      t.title = t.textContent;  // the UTC time, on hover
      t.textContent = shown.format(d);
    }
    for (const input of document.querySelectorAll("input[data-utc]")) {
      const d = new Date(input.dataset.utc);
      if (!isNaN(d.getTime())) input.value = localValue(d);
    }
    for (const tz of document.querySelectorAll(".tz")) tz.textContent = "(" + zone + ")";
  }

  function showError(message) {
    let line = document.getElementById("status");
    if (!line) {
      line = document.createElement("p");
      line.id = "status";
      document.body.append(line);
    }
    line.className = "error";
    line.textContent = "Error: " + message;
  }

  // Token mode: the page comes from fetch with the Authorization header.
  async function load(url, push) {
    let response;
    try {
      response = await fetch(url, {headers: {"Authorization": "Bearer " + token()}});
    } catch (e) {
      showError(e.message);
      return;
    }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showError("the server refused this token; open this page as …/#token=YOUR-TOKEN");
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
    if (push) history.pushState(null, "", url);
    enhance();
  }

  function go(url) {
    if (token()) {
      load(url, true);
    } else {
      location.assign(url);
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id !== "filters") return;
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (value === "") continue;
      params.append(name, name === "since" || name === "until" ? utcValue(value) : value);
    }
    const query = params.toString();
    go(location.pathname + (query ? "?" + query : ""));
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-nav]");
    if (!link || !token() || event.button !== 0 || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    go(link.href);
  });

  window.addEventListener("popstate", () => {
    if (token()) load(location.href, false);
  });

  if (document.body.dataset.needsToken === "true" && token()) {
    load(location.href, false);
  } else {
    enhance();
  }
})();
)JS";
  return kScript;
}

}  // namespace kuzet::app
