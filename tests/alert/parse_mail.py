#!/usr/bin/env python3
"""Parses a mail message as a mail client would and prints what it found as JSON.

Python's email package with policy=default (the modern, strict parser). The C++ tests assert
on the output: defects, decoded headers, the MIME structure and the decoded text of each part.

Usage: parse_mail.py FILE.eml            -> {facts}
       parse_mail.py --many A.eml B.eml   -> {"A.eml": {facts}, "B.eml": {facts}}
"""
import email
import email.policy
import json
import sys


def facts(path):
    with open(path, "rb") as f:
        data = f.read()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    defects = [f"message: {type(d).__name__}: {d}" for d in msg.defects]
    headers = []
    for name, value in msg.items():
        headers.append([name, str(value)])
        for d in getattr(value, "defects", []):
            defects.append(f"header {name}: {type(d).__name__}: {d}")
    parts = []
    for part in msg.walk():
        for d in part.defects:
            defects.append(f"part {part.get_content_type()}: {type(d).__name__}: {d}")
        if part.is_multipart():
            continue
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding"),
            "text": part.get_content(),
        })
    body = msg.get_body(preferencelist=("html",))
    senders = msg["From"].addresses if msg["From"] else ()
    out = {
        "defects": defects,
        "headers": headers,
        "subject": str(msg["Subject"]),
        "message_id": str(msg["Message-ID"]),
        "from_addresses": [a.addr_spec for a in senders],
        "from_display_names": [a.display_name for a in senders],
        "to": [a.addr_spec for a in msg["To"].addresses] if msg["To"] else [],
        "content_type": msg.get_content_type(),
        "parts": parts,
        "html_body_found": body is not None,
    }
    return out


def main():
    if sys.argv[1] == "--many":
        out = {path: facts(path) for path in sys.argv[2:]}
    else:
        out = facts(sys.argv[1])
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
