#!/usr/bin/env python3
"""Parses a mail message as a mail client would and prints what it found as JSON.

Python's email package with policy=default (the modern, strict parser). The C++ tests assert
on the output: defects, decoded headers, the MIME structure and the decoded text of each part.

Usage: parse_mail.py FILE.eml
"""
import email
import email.policy
import json
import sys


def main():
    with open(sys.argv[1], "rb") as f:
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
    out = {
        "defects": defects,
        "headers": headers,
        "subject": str(msg["Subject"]),
        "message_id": str(msg["Message-ID"]),
        "from_addresses": [a.addr_spec for a in msg["From"].addresses] if msg["From"] else [],
        "from_display_names": [a.display_name for a in msg["From"].addresses] if msg["From"] else [],
        "to": [a.addr_spec for a in msg["To"].addresses] if msg["To"] else [],
        "content_type": msg.get_content_type(),
        "parts": parts,
        "html_body_found": body is not None,
    }
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
