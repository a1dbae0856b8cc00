// Reads a WARC file with webrecorder's warcio (npm) and prints one JSON line per record: what
// warcio parsed (type, fields, HTTP status, its offset and length), and whether the digests the
// record carries match the bytes as warcio split them: the block digest over the whole block
// (read with parseHttp off) and the payload digest over the payload warcio finds after the HTTP
// head (read raw, so Content-Encoding is kept, as the WARC 1.1 payload is defined).
//
//   node warcio_check.mjs WARCIO_PACKAGE_DIR FILE.warc.gz
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [packageDir, file] = process.argv.slice(2);
const { WARCParser } = await import(pathToFileURL(path.join(packageDir, "dist/index.js")).href);

// "sha1:" + RFC 4648 base32, the form the file claims; compared case-insensitively.
function sha1Base32(bytes) {
  const digest = createHash("sha1").update(bytes).digest();
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0, out = "";
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return "sha1:" + out;
}

function same(claimed, computed) {
  return claimed ? claimed.toUpperCase() === computed.toUpperCase() : null;
}

// Pass 1: whole blocks, for the block digests.
const blocks = [];
for await (const record of new WARCParser(createReadStream(file), { parseHttp: false })) {
  blocks.push(sha1Base32(await record.readFully(false)));
}

// Pass 2: HTTP parsed, for the payloads, offsets and fields.
const parser = new WARCParser(createReadStream(file), { keepHeadersCase: true });
let index = 0;
for await (const record of parser) {
  const payload = await record.readFully(false);
  // The content as a browser would see it: warcio takes off what the HTTP head says is applied
  // (Transfer-Encoding, then Content-Encoding), so a head that lies about the body shows here.
  const content = payload.length ? await record.readFully(true) : payload;
  const field = (name) => record.warcHeaders.headers.get(name) ?? null;
  const claimedPayload = field("WARC-Payload-Digest");
  const out = {
    type: record.warcType,
    id: field("WARC-Record-ID"),
    targetUri: field("WARC-Target-URI"),
    date: field("WARC-Date"),
    concurrentTo: field("WARC-Concurrent-To"),
    refersTo: field("WARC-Refers-To"),
    refersToTargetUri: field("WARC-Refers-To-Target-URI"),
    refersToDate: field("WARC-Refers-To-Date"),
    profile: field("WARC-Profile"),
    ipAddress: field("WARC-IP-Address"),
    warcinfoId: field("WARC-Warcinfo-ID"),
    contentType: field("Content-Type"),
    httpStatus: record.httpHeaders ? Number(record.httpHeaders.statusCode) : null,
    contentEncoding: record.httpHeaders ? record.httpHeaders.headers.get("Content-Encoding") ?? null : null,
    blockDigestOk: same(field("WARC-Block-Digest"), blocks[index]),
    // A revisit's payload digest is the earlier capture's (WARC 1.1 §6.7.2): not checkable here.
    payloadDigestOk: record.warcType === "revisit" ? null : same(claimedPayload, sha1Base32(payload)),
    payloadBytes: payload.length,
    contentDigest: sha1Base32(content),
  };
  // As warcio's own indexer (lib/indexer.ts) does: offset and length once the record is read.
  await record.skipFully();
  out.offset = parser.offset;
  out.length = parser.recordLength;
  console.log(JSON.stringify(out));
  ++index;
}
if (index !== blocks.length) {
  console.error(`warcio read ${blocks.length} blocks but ${index} records`);
  process.exit(1);
}
