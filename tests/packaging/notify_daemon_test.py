#!/usr/bin/env python3
"""`kuzet run` as a systemd Type=notify service, with a test socket in place of systemd.

Checks the sd_notify(3) messages arrive in order (READY=1 after start; RELOADING=1 then READY=1
on SIGHUP; STOPPING=1 on SIGTERM) and that the watchdog is fed while a crawl is in progress
(WATCHDOG_USEC=600 ms: no gap between pings may reach it, over a 3 s crawl of slow pages), and that
with stderr connected to "the journal" ($JOURNAL_STREAM) every log line has its priority prefix.

Usage: notify_daemon_test.py KUZET_BINARY
"""
import http.server
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

PAGES = 8
PAGE_DELAY = 0.4  # seconds each article page takes to serve: the crawl lasts about 3 s


class SlowSite(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/":
            links = "".join(f'<li><a href="/news/{i}.html">Strike day {i}</a></li>'
                            for i in range(PAGES))
            body = f"<html><body><ul>{links}</ul></body></html>"
        elif self.path == "/robots.txt":
            body = "User-agent: *\nAllow: /\n"
        else:
            time.sleep(PAGE_DELAY)  # slow on purpose: the watchdog is checked during a crawl
            body = ("<html><head><title>Zhanaozen</title></head><body><article><h1>Zhanaozen"
                    "</h1>" + "<p>Oil workers in Zhanaozen went on strike again today. </p>" * 20
                    + "</article></body></html>")
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def fail(message, log_path):
    sys.stderr.write(f"FAIL: {message}\n--- daemon log ---\n")
    with open(log_path, errors="replace") as log:
        sys.stderr.write(log.read()[-4000:])
    sys.exit(1)


def main():
    binary = sys.argv[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowSite)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    with tempfile.TemporaryDirectory(prefix="kuzet_notify_") as tmp:
        config = os.path.join(tmp, "kuzet.toml")
        with open(config, "w") as f:
            f.write(f"""[settings]
data_dir = "data"
per_host_delay = "0s"
per_host_connections = 1
allow_private_hosts = ["127.0.0.1"]
log_level = "info"

[[sites]]
id = "slow"
start_urls = ["http://127.0.0.1:{port}/"]
interval = "1h"

[[rules]]
id = "zhanaozen"
terms = ["Zhanaozen"]
""")
        notify_path = os.path.join(tmp, "notify")
        systemd = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        systemd.bind(notify_path)
        systemd.settimeout(0.2)
        log_path = os.path.join(tmp, "kuzet.log")
        with open(log_path, "w") as log:
            # stderr is "the journal": the file JOURNAL_STREAM names, as systemd.exec(5) sets it.
            st = os.fstat(log.fileno())
            env = dict(os.environ, NOTIFY_SOCKET=notify_path, WATCHDOG_USEC="600000",
                       KUZET_LOG_LEVEL="info", JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")
            env.pop("WATCHDOG_PID", None)
            daemon = subprocess.Popen([binary, "run", "--config", config], env=env,
                                      stdout=subprocess.DEVNULL, stderr=log)
        messages = []  # (seconds since start, message)
        started = time.monotonic()

        def collect(until, stop_when=None):
            while time.monotonic() < until:
                try:
                    data = systemd.recv(4096).decode()
                except socket.timeout:
                    continue
                messages.append((time.monotonic() - started, data))
                if stop_when and stop_when(data):
                    return True
            return False

        try:
            if not collect(started + 10, lambda m: m == "READY=1"):
                fail(f"no READY=1 within 10 s; got {messages}", log_path)
            ready_at = messages[-1][0]
            # The first round crawls PAGES slow pages; wait until the log says it is done.
            deadline = time.monotonic() + 30
            while "crawl of 1 site(s)" not in open(log_path, errors="replace").read():
                if time.monotonic() > deadline:
                    fail("the crawl did not finish within 30 s", log_path)
                collect(time.monotonic() + 0.1)
            crawl_done_at = time.monotonic() - started
            pings = [t for t, m in messages if m == "WATCHDOG=1" and ready_at <= t <= crawl_done_at]
            if crawl_done_at - ready_at < 2:
                fail(f"the crawl took only {crawl_done_at - ready_at:.1f} s", log_path)
            gaps = [b - a for a, b in zip([ready_at] + pings, pings + [crawl_done_at])]
            if max(gaps) > 0.6:
                fail(f"watchdog gap of {max(gaps):.2f} s during the crawl (timeout 0.6 s); "
                     f"pings at {pings}", log_path)

            daemon.send_signal(signal.SIGHUP)
            collect(time.monotonic() + 3)
            daemon.send_signal(signal.SIGTERM)
            code = daemon.wait(timeout=15)
            collect(time.monotonic() + 0.5)
        finally:
            if daemon.poll() is None:
                daemon.kill()
                daemon.wait()
        if code != 0:
            fail(f"exit code {code}", log_path)

        lines = open(log_path, errors="replace").read().splitlines()
        unprefixed = [line for line in lines if not re.match(r"<[0-7]>", line)]
        if not lines or unprefixed:
            fail(f"log lines without a journal priority: {unprefixed[:3]}", log_path)
        states = [m.split("\n")[0] for _, m in messages if m != "WATCHDOG=1"]
        want = ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"]
        if states != want:
            fail(f"states {states}, want {want}", log_path)
        reloading = next(m for _, m in messages if m.startswith("RELOADING=1"))
        if "\nMONOTONIC_USEC=" not in reloading:
            fail(f"RELOADING=1 without MONOTONIC_USEC: {reloading!r}", log_path)
        idle_pings = [t for t, m in messages if m == "WATCHDOG=1" and t > crawl_done_at]
        if len(idle_pings) < 3:
            fail(f"watchdog not fed while idle: {len(idle_pings)} pings in ~3.5 s", log_path)
        print(f"ok: {len(pings)} watchdog pings during a {crawl_done_at - ready_at:.1f} s crawl, "
              f"largest gap {max(gaps):.2f} s; states {states}")


if __name__ == "__main__":
    main()
