#!/usr/bin/python3
"""Parses an Atom file with feedparser (Debian python3-feedparser) and prints what a feed reader
sees as JSON: bozo (malformed), the feed title, and each entry's id, title, link, updated, tags
and summary."""
import json
import sys

import feedparser

parsed = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(parsed.bozo),
    "bozo_exception": str(parsed.get("bozo_exception", "")),
    "version": parsed.version,
    "title": parsed.feed.get("title", ""),
    "entries": [{
        "id": e.get("id", ""),
        "title": e.get("title", ""),
        "link": e.get("link", ""),
        "updated": e.get("updated", ""),
        "tags": [t.get("term", "") for t in e.get("tags", [])],
        "summary": e.get("summary", ""),
    } for e in parsed.entries],
}, ensure_ascii=False))
