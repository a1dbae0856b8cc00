#!/usr/bin/env python3
"""A real SMTP server for Kuzet's alert tests (aiosmtpd), listening on 127.0.0.1.

Stores each received message as DIR/<n>.eml (the DATA bytes exactly as received) and its
envelope as DIR/<n>.json ({"mail_from", "rcpt_tos", "auth_login", "ehlo"}). Prints "PORT <port>" on
stdout once it accepts connections, and exits when its stdin closes (so it never outlives the
test that started it).

Recipients whose local part is "unknown" are refused with 550 (a permanent failure).

Usage: smtp_sink.py DIR [--user USER --password PASSWORD]   (then AUTH is required)
                        [--cert CERT.pem --key KEY.pem [--implicit-tls]] [--port PORT]
With --cert, the server requires STARTTLS (RFC 3207) before MAIL, or with --implicit-tls speaks
TLS from the first byte (smtps). AUTH is then only offered over TLS.
"""
import argparse
import asyncio
import json
import logging
import os
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class StoreHandler:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("unknown@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        login = session.auth_data  # what authenticator() returned as auth_data
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "auth_login": login.decode() if isinstance(login, bytes) else login,
                       "ehlo": session.host_name}, f)
        os.rename(base + ".eml.tmp", base + ".eml")  # the .eml appears last, complete
        return "250 OK stored"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--port", type=int, default=0)  # 0: any free port
    args = parser.parse_args()
    # AUTH without TLS is intended here: the test server only listens on 127.0.0.1.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and args.user is not None
              and auth_data.login.decode() == args.user
              and auth_data.password.decode() == args.password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    handler = StoreHandler(args.directory)
    auth = args.user is not None
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    tls = None
    if args.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.cert, args.key)
    starttls = tls is not None and not args.implicit_tls

    def factory():
        return SMTP(handler, hostname="kuzet-test-sink", auth_required=auth,
                    auth_require_tls=tls is not None, authenticator=authenticator if auth else None,
                    tls_context=tls if starttls else None, require_starttls=starttls)

    server = loop.run_until_complete(loop.create_server(
        factory, "127.0.0.1", args.port, ssl=tls if args.implicit_tls else None))
    port = server.sockets[0].getsockname()[1]
    print("PORT", port, flush=True)
    loop.add_reader(sys.stdin.fileno(), lambda: loop.stop() if not os.read(0, 4096) else None)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
