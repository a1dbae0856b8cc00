#!/usr/bin/env python3
"""Writes a synthetic multi-host news site for bench/crawl/run_crawl_bench.sh.

Usage: gen_sites.py OUT_DIR HOSTS PAGES_PER_HOST [SEED]

OUT_DIR/h<N>/ for N in 1..HOSTS holds index.html (the front page), robots.txt (allows all) and
a<I>.html for I in 0..PAGES_PER_HOST-1. Article pages are 20-60 KB of HTML (a header, a nav bar,
paragraphs of text, related links); each links to the front page, the next three articles, the
previous one and eight random articles of the same host, so every page is reachable from the front
page. The front page lists the newest 40 articles. Deterministic for a given seed.
"""
import os
import random
import sys

WORDS = ("oil workers strike zhanaozen mangystau union wages protest court report village "
         "company field government police square december city region minister statement "
         "families hearing journalist monitor rights trial sentence appeal release demand "
         "contract shift pipeline drilling salary negotiation press agency witness video").split()


def paragraph(rng):
    n = rng.randint(60, 160)
    return "<p>" + " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + ".</p>\n"


def main():
    out, hosts, pages = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    pool = [paragraph(rng) for _ in range(400)]  # ~0.4-1.1 KB each
    nav = "".join('<li><a href="/a%d.html">Section %d</a></li>' % (i * pages // 12, i) for i in range(12))
    total = 0
    for h in range(1, hosts + 1):
        d = os.path.join(out, "h%d" % h)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "robots.txt"), "w") as f:
            f.write("User-agent: *\nDisallow: /private/\n")
        front = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>Host %d news</title>'
                 '</head><body><h1>Host %d</h1><ul>' % (h, h)]
        for i in range(pages - 1, max(-1, pages - 41), -1):
            front.append('<li><a href="/a%d.html">Article %d</a></li>' % (i, i))
        front.append("</ul></body></html>\n")
        with open(os.path.join(d, "index.html"), "w") as f:
            f.write("".join(front))
        for i in range(pages):
            target = rng.randint(20_000, 60_000)
            links = {(i + k) % pages for k in (1, 2, 3)} | {(i - 1) % pages}
            links |= {rng.randrange(pages) for _ in range(8)}
            links.discard(i)
            parts = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                     '<title>Article %d of host %d</title>'
                     '<meta property="article:published_time" content="2026-11-%02dT10:00:00Z">'
                     '</head><body><header><a href="/">Home</a><ul class="nav">%s</ul></header>'
                     '<article><h1>Article %d</h1>\n' % (i, h, 1 + i % 28, nav, i)]
            size = sum(len(p) for p in parts)
            related = "<aside><h2>Related</h2><ul>" + "".join(
                '<li><a href="/a%d.html">Story %d</a></li>' % (j, j) for j in sorted(links)) + \
                "</ul></aside></body></html>\n"
            size += len(related) + len("</article>")
            while size < target:
                p = rng.choice(pool)
                parts.append(p)
                size += len(p)
            parts.append("</article>")
            parts.append(related)
            with open(os.path.join(d, "a%d.html" % i), "w") as f:
                f.write("".join(parts))
            total += size
    print("generated %d hosts x %d articles (+ front pages), %.0f MB" %
          (hosts, pages, total / 1e6))


if __name__ == "__main__":
    main()
