#!/usr/bin/env python3
"""What one Kuzet node's store grows by per article, and how fast the full pipeline takes pages.

Serves the real pages of ../shared/corpus (aeb-dev, daniel-ru-dev, htmldate-dev) from 127.0.0.1
as one site whose front page links to every page, runs `kuzet crawl --once` on it with nine rules
(the example config's kind: names and strike words in three scripts), then `kuzet compact`, and
prints the store's size on disk per stored article, extrapolated to a million articles, and the
crawl's pages per second (fetch, charset, extraction, matching, storage; no politeness delay).

Usage: bench/node/store_growth.py KUZET_BINARY [SHARED_DIR]   (docs/scaling.md has the figures)
"""
import gzip
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

RULES = {
    "zhanaozen": ["Zhanaozen", "Жанаозен", "Жаңаөзен"],
    "kazakhstan": ["Kazakhstan", "Казахстан", "Қазақстан"],
    "strike": ["strike", "забастовка", "ереуіл"],
    "union": ["trade union", "профсоюз", "кәсіподақ"],
    "oil": ["oil workers", "нефтяники"],
    "police": ["police", "полиция"],
    "court": ["court", "суд"],
    "protest": ["protest", "протест"],
    "election": ["election", "выборы"],
}


def load_pages(shared):
    pages = []
    for corpus in ("aeb-dev", "daniel-ru-dev"):
        folder = os.path.join(shared, "corpus", corpus, "html")
        for name in sorted(os.listdir(folder)):
            with gzip.open(os.path.join(folder, name)) as f:
                pages.append(f.read())
    folder = os.path.join(shared, "corpus", "htmldate-dev", "test_set")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            pages.append(f.read())
    return pages


def main():
    binary = sys.argv[1]
    shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "shared")
    if not os.path.isdir(os.path.join(shared, "corpus")):
        print(f"SKIP: no corpus in {shared}")
        return
    pages = load_pages(shared)
    linked = [len(pages) // 2]  # the front page links to the first linked[0] pages

    class Site(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            match = re.fullmatch(r"/a/(\d+)\.html", self.path)
            if self.path == "/":
                body = ("<html><body>" + "".join(f'<a href="/a/{i}.html">article {i}</a>\n'
                                                 for i in range(linked[0])) +
                        "</body></html>").encode()
            elif match and int(match.group(1)) < len(pages):
                body = pages[int(match.group(1))]
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory(prefix="kuzet_growth_") as tmp:
        rules = "".join(f'\n[[rules]]\nid = "{rule}"\nterms = {terms!r}\n'.replace("'", '"')
                        for rule, terms in RULES.items())
        config = os.path.join(tmp, "kuzet.toml")
        with open(config, "w") as f:
            f.write(f"""[settings]
data_dir = "data"
per_host_delay = "0s"
per_host_connections = 8
concurrency = 8
allow_private_hosts = ["127.0.0.1"]

[[sites]]
id = "corpus"
start_urls = ["http://127.0.0.1:{server.server_address[1]}/"]
max_pages = 100000
{rules}""")

        def store_bytes():
            return sum(os.path.getsize(os.path.join(d, f))
                       for d, _, files in os.walk(os.path.join(tmp, "data")) for f in files)

        # Two rounds, half the pages each: the second round's growth per article leaves out
        # the store's fixed files (options, manifest, crawl state).
        rounds = []
        for linked[0] in (len(pages) // 2, len(pages)):
            started = time.monotonic()
            crawl = subprocess.run([binary, "crawl", "--once", "--config", config],
                                   capture_output=True, text=True)
            seconds = time.monotonic() - started
            if crawl.returncode != 0:
                sys.exit(f"crawl failed: {crawl.stderr}")
            subprocess.run([binary, "compact", "--config", config], check=True,
                           capture_output=True)
            row = re.search(r"^corpus +(\d+) +(\d+) +(\d+) +(\d+)", crawl.stdout, re.M)
            fetched, new, mentions = int(row.group(1)), int(row.group(2)), int(row.group(4))
            rounds.append((new, mentions, store_bytes()))
            print(f"round {len(rounds)}: {fetched} pages fetched, {new} new articles, "
                  f"{mentions} new mentions, {seconds:.1f} s ({fetched / seconds:.0f} pages/s); "
                  f"store after compact {rounds[-1][2] / 1e6:.2f} MB")
        (new1, _, bytes1), (new2, _, bytes2) = rounds
        per_article = (bytes2 - bytes1) / new2
        print(f"growth: {per_article / 1e3:.2f} kB per article (second round), "
              f"{bytes2 / (new1 + new2) / 1e3:.2f} kB overall -> "
              f"{per_article * 1e6 / 1e9:.1f} GB per million articles")


if __name__ == "__main__":
    main()
