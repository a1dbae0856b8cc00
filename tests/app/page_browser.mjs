// Drives headless Chromium over the DevTools protocol for the web page tests (web_page_test.cc):
// a viewport of a given width, a time zone, JavaScript on or off, then steps, each an optional
// action (a JS expression; `navigates`: wait for the page it loads), an optional condition
// polled until true, a report (a JS expression giving a JSON string) and an optional screenshot.
// Prints {"reports": [...], "errors": [script exceptions and console errors]} on stdout.
//
//   node --experimental-websocket page_browser.mjs '{"url": ..., "width": 390, "height": 844,
//     "profile": DIR, "timezone": "Asia/Tokyo", "javascript": true,
//     "steps": [{"action": ..., "navigates": true, "wait_for": ..., "report": ..., "screenshot": PATH}]}'
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

const spec = JSON.parse(process.argv[2]);
const TIMEOUT_MS = 60000;  // per wait: the test machines run at load 10 and more

const chrome = spawn(spec.chromium || "chromium", [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--hide-scrollbars", "--remote-debugging-port=0", `--user-data-dir=${spec.profile}`,
  "about:blank",
], { stdio: ["ignore", "ignore", "pipe"] });

function fail(message) {
  chrome.kill("SIGKILL");
  console.error(message);
  process.exit(1);
}
setTimeout(() => fail("page_browser: gave up after 170 s"), 170000).unref();

const endpoint = await new Promise((resolve, reject) => {
  let log = "";
  chrome.stderr.on("data", (data) => {
    log += data;
    const m = log.match(/DevTools listening on (ws:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  chrome.on("exit", (code) => reject(new Error(`chromium exited (${code}): ${log}`)));
}).catch((e) => fail(e.message));

const ws = new WebSocket(endpoint);
await new Promise((resolve, reject) => {
  ws.onopen = resolve;
  ws.onerror = () => reject(new Error("cannot connect to " + endpoint));
}).catch((e) => fail(e.message));

let nextId = 1;
const pending = new Map();
const waiters = [];
const errors = [];
// A socket closed by Chromium answers no call still pending: each fails instead of leaving an
// unsettled await (node exits 13 with nothing said).
ws.onclose = () => {
  for (const { reject } of pending.values()) reject(new Error("DevTools socket closed"));
  pending.clear();
};
ws.onmessage = (event) => {
  const msg = JSON.parse(event.data);
  if (msg.id !== undefined && pending.has(msg.id)) {
    const { resolve, reject } = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) reject(new Error(msg.error.message));
    else resolve(msg.result);
    return;
  }
  // Script exceptions and console errors (a CSP violation is one), but not the favicon the
  // browser asks for by itself.
  if (msg.method === "Runtime.exceptionThrown") {
    errors.push(msg.params.exceptionDetails.exception?.description ?? msg.params.exceptionDetails.text);
  } else if (msg.method === "Log.entryAdded" && msg.params.entry.level === "error" &&
             !(msg.params.entry.url || "").endsWith("/favicon.ico")) {
    errors.push(msg.params.entry.text + " " + (msg.params.entry.url || ""));
  }
  for (let i = waiters.length - 1; i >= 0; --i) {
    if (waiters[i].method === msg.method) waiters.splice(i, 1)[0].resolve(msg.params);
  }
};

function send(method, params = {}, sessionId = undefined) {
  const id = nextId++;
  ws.send(JSON.stringify({ id, method, params, sessionId }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
function nextEvent(method) {
  return new Promise((resolve, reject) => {
    waiters.push({ method, resolve });
    setTimeout(() => reject(new Error("no " + method + " within the timeout")), TIMEOUT_MS);
  });
}

const { targetId } = await send("Target.createTarget", { url: "about:blank" });
const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
const page = (method, params) => send(method, params, sessionId);

async function evaluate(expression) {
  const result = await page("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
  if (result.exceptionDetails) {
    throw new Error(`${expression}: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
  }
  return result.result.value;
}

try {
  await page("Page.enable");
  await page("Runtime.enable");
  await page("Log.enable");
  await page("Emulation.setDeviceMetricsOverride", {
    width: spec.width, height: spec.height, deviceScaleFactor: 1, mobile: spec.width < 600,
  });
  if (spec.timezone) await page("Emulation.setTimezoneOverride", { timezoneId: spec.timezone });
  if (spec.javascript === false) await page("Emulation.setScriptExecutionDisabled", { value: true });
  let loaded = nextEvent("Page.loadEventFired");
  await page("Page.navigate", { url: spec.url });
  await loaded;

  const reports = [];
  for (const step of spec.steps) {
    if (step.action) {
      loaded = step.navigates ? nextEvent("Page.loadEventFired") : null;
      await evaluate(step.action);
      if (loaded) await loaded;
    }
    if (step.wait_for) {
      const deadline = Date.now() + TIMEOUT_MS;
      while (!(await evaluate(step.wait_for))) {
        if (Date.now() > deadline) throw new Error("never true: " + step.wait_for);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    reports.push(step.report ? JSON.parse(await evaluate(step.report)) : null);
    if (step.screenshot) {
      const shot = await page("Page.captureScreenshot", { format: "png" });
      writeFileSync(step.screenshot, Buffer.from(shot.data, "base64"));
    }
  }
  process.stdout.write(JSON.stringify({ reports, errors }) + "\n");
} catch (e) {
  fail("page_browser: " + e.message);
}
// Closed and waited for, so its profile folder is finished with when this returns. Chromium may
// exit (and close the socket) before it answers Browser.close: the answer is not awaited, the
// exit is, and a browser that does not close within 20 s is killed.
const exited = chrome.exitCode !== null || chrome.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => chrome.on("exit", resolve));
send("Browser.close").catch(() => chrome.kill("SIGTERM"));
const killer = setTimeout(() => chrome.kill("SIGKILL"), 20000);
await exited;
clearTimeout(killer);
process.exit(0);
