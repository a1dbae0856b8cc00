#!/usr/bin/env python3
"""Peer for eval_charset: decodes every sample of `eval_charset --write-samples DIR` with
charset-normalizer and prints {"name", "charset", "text"} per line (no guess: text null)."""
import json
import pathlib
import sys

from charset_normalizer import from_bytes


def main() -> None:
    root = pathlib.Path(sys.argv[1])
    for line in (root / "index.tsv").read_text(encoding="utf-8").splitlines():
        file, name, _label = line.split("\t")
        best = from_bytes((root / file).read_bytes()).best()
        text = str(best) if best is not None else None
        charset = best.encoding if best is not None else None
        print(json.dumps({"name": name, "charset": charset, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
