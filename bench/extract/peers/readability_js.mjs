// Runs @mozilla/readability (with jsdom) over a corpus folder of html/<id>.html.gz pages and
// prints one JSON object per page: {"id": ..., "text": ..., "seconds": ...}.
// Usage: node readability_js.mjs CORPUS_DIR   (run by run_peers.sh, which installs the packages)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { JSDOM, VirtualConsole } from 'jsdom';
import { Readability } from '@mozilla/readability';

const corpus = process.argv[2];
const truth = JSON.parse(fs.readFileSync(path.join(corpus, 'ground-truth.json'), 'utf8'));
const quiet = new VirtualConsole();  // pages' own console noise and CSS errors are not ours
for (const id of Object.keys(truth).sort()) {
  const file = path.join(corpus, 'html', `${id}.html.gz`);
  if (!fs.existsSync(file)) continue;
  const html = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
  const started = process.hrtime.bigint();
  let text = '';
  try {
    const dom = new JSDOM(html, { url: truth[id].url || 'http://localhost/', virtualConsole: quiet });
    const article = new Readability(dom.window.document).parse();
    text = article && article.textContent ? article.textContent : '';
  } catch (e) {
    text = '';
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ id, text, seconds }) + '\n');
}
