#!/usr/bin/env python3
"""Writes the multi-host news site of bench/pipeline/run_pipeline_bench.sh.

Usage: gen_site.py SHARED_DIR OUT_DIR HOSTS PAGES_PER_HOST [SEED] [--story]

OUT_DIR/h<N>/ for N in 1..HOSTS holds robots.txt, index.html (the front page, linking every
article of the host) and a<I>.html for I in 0..PAGES_PER_HOST-1: 20-60 KB of HTML each (a header,
a nav bar, a dated article, related links). Article text is real-language prose: sentences drawn
at random from the article bodies of SHARED_DIR/corpus (aeb-dev: English news and blogs,
daniel-ru-dev: Russian news), so no two articles are near-duplicates of each other (each draws
its own ~100-300 sentences from ~5,000). Every third host writes in Russian, the others in
English. About 6% of the articles also tell of the Zhanaozen strike (a sentence in the page's
language), so the bench's rule for it matches some pages only; other rules of the bench's config
match names that occur in the corpus text itself. OUT_DIR/urls.txt lists every URL (for wget2,
with BASE_PORT). Deterministic for a given seed.

--story: every article is a copy of one story about the Zhanaozen strike (the same paragraphs,
drawn once) with a short line of its own (an update time and host: under SimHash's short-line
limit), as when one agency story is republished everywhere: one story of HOSTS x PAGES documents.
"""
import html
import json
import os
import random
import re
import sys

BASE_PORT = 18000

STRIKE = {
    "en": ["Oil workers in Zhanaozen went on strike again, demanding the wages KazMunayGas "
           "had promised them.",
           "Monitors recalled the December 2011 shooting of striking oil workers in Zhanaozen."],
    "ru": ["Нефтяники Жанаозена снова объявили забастовку, требуя обещанной "
           "КазМунайГазом зарплаты.",
           "Правозащитники напомнили о расстреле бастующих нефтяников в Жанаозене в декабре "
           "2011 года."],
}


def sentences(path):
    with open(path, encoding="utf-8") as f:
        bodies = [v["articleBody"] for v in json.load(f).values()]
    out = []
    for body in bodies:
        for s in re.split(r"(?<=[.!?])\s+", body):
            s = " ".join(s.split())
            if 40 <= len(s) <= 400:
                out.append(html.escape(s, quote=False))
    return out


def main():
    story = "--story" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--story"]
    shared, out, hosts, pages = args[0], args[1], int(args[2]), int(args[3])
    rng = random.Random(int(args[4]) if len(args) > 4 else 1)
    corpus = os.path.join(shared, "corpus")
    pool = {"en": sentences(os.path.join(corpus, "aeb-dev", "ground-truth.json")),
            "ru": sentences(os.path.join(corpus, "daniel-ru-dev", "ground-truth.json"))}
    story_paragraphs = ["<p>" + STRIKE["en"][k % 2] + " " +
                        " ".join(rng.choice(pool["en"]) for _ in range(5)) + "</p>\n"
                        for k in range(12)]
    total = 0
    urls = []
    for h in range(1, hosts + 1):
        lang = "ru" if h % 3 == 0 else "en"
        base = "http://127.0.0.1:%d" % (BASE_PORT + h)
        d = os.path.join(out, "h%d" % h)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "robots.txt"), "w") as f:
            f.write("User-agent: *\nDisallow: /private/\n")
        nav = "".join('<li><a href="/a%d.html">Section %d</a></li>' % (i * pages // 12, i)
                      for i in range(12))
        front = ['<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8">'
                 '<title>Host %d news</title></head><body><h1>Host %d</h1><ul>' % (lang, h, h)]
        for i in range(pages - 1, -1, -1):
            front.append('<li><a href="/a%d.html">Article %d</a></li>' % (i, i))
        front.append("</ul></body></html>\n")
        with open(os.path.join(d, "index.html"), "w", encoding="utf-8") as f:
            f.write("".join(front))
        urls.append(base + "/")
        for i in range(pages):
            target = rng.randint(20_000, 60_000)
            links = {(i + k) % pages for k in (1, 2, 3)} | {(i - 1) % pages}
            links |= {rng.randrange(pages) for _ in range(8)}
            links.discard(i)
            title = rng.choice(pool[lang])[:90]
            parts = ['<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8">'
                     '<title>%s</title>'
                     '<meta property="article:published_time" content="2026-11-%02dT10:00:00Z">'
                     '</head><body><header><a href="/">Home</a><ul class="nav">%s</ul></header>'
                     '<article><h1>%s</h1>\n' % (lang, title, 1 + i % 28, nav, title)]
            size = sum(len(p.encode()) for p in parts)
            related = "<aside><h2>Related</h2><ul>" + "".join(
                '<li><a href="/a%d.html">Story %d</a></li>' % (j, j) for j in sorted(links)) + \
                "</ul></aside><footer>&copy; Host %d</footer></body></html>\n" % h
            size += len(related) + len("</article>")
            if story:
                parts.append("<p>Updated %02d:%02d, host %d.</p>\n" % (i % 24, i % 60, h))
                parts += story_paragraphs
                size = target + sum(len(p.encode()) for p in parts)  # no corpus filler
            strike = rng.random() < 0.06
            while size < target:
                n = rng.randint(3, 8)
                chosen = [rng.choice(pool[lang]) for _ in range(n)]
                if strike:
                    chosen[rng.randrange(n)] = rng.choice(STRIKE[lang])
                    strike = False
                p = "<p>" + " ".join(chosen) + "</p>\n"
                parts.append(p)
                size += len(p.encode())
            parts.append("</article>")
            parts.append(related)
            with open(os.path.join(d, "a%d.html" % i), "w", encoding="utf-8") as f:
                f.write("".join(parts))
            urls.append("%s/a%d.html" % (base, i))
            total += sum(len(p.encode()) for p in parts)
    with open(os.path.join(out, "urls.txt"), "w") as f:
        f.write("\n".join(urls) + "\n")
    print("generated %d hosts x %d articles (+ front pages), %.0f MB" %
          (hosts, pages, total / 1e6))


if __name__ == "__main__":
    main()
