#!/usr/bin/env node
// Time to first byte of streamed chat completions, for bench/gateway/run.sh (no dependencies). wrk's latency is the time
// to the whole answer; this measures when the first "data:" of the SSE body arrives.
//
//   node bench/gateway/ttfb.js --url http://127.0.0.1:5078/v1/chat/completions --body stream.json \
//     [--header 'Authorization: Bearer x']… [--concurrency 16] [--duration 10] [--warmup 3]
//
// Opens --concurrency keep-alive connections (one http.Agent socket each); each runs one POST after another: a --warmup
// s phase whose requests are not counted, then a --duration s phase that is. Per request it records, from just before
// the request is written: ttfb = the first moment the response body read so far contains "data:"; done = the moment
// it contains "data: [DONE]". A request counts as ok when the status is 200, the content type is text/event-stream and
// the body has "data: [DONE]" by its end; anything else is counted as non_200, incomplete (200 without [DONE]) or error
// (socket or parse errors), and left out of the percentiles.
//
// Prints one JSON line: {"concurrency","seconds","ok","non_200","incomplete","errors","rps","ttfb_p50_ms","ttfb_p99_ms",
// "done_p50_ms","done_p99_ms","first_failure"}; rps is ok requests per second of the measured phase; percentiles are
// nearest-rank over the ok requests, in milliseconds; first_failure is a short description of the first failure (or
// null). Exits 0 when it measured at least one ok request, 1 otherwise, 2 on bad arguments.
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');

function parseArgs(argv) {
  const a = { headers: {}, concurrency: 1, duration: 10, warmup: 3 };
  for (let i = 2; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`${k} needs a value`);
    if (k === '--url') a.url = new URL(v);
    else if (k === '--body') a.body = fs.readFileSync(v);
    else if (k === '--header') {
      const at = v.indexOf(':');
      if (at <= 0) throw new Error(`--header '${v}' is not 'Name: value'`);
      a.headers[v.slice(0, at).trim()] = v.slice(at + 1).trim();
    } else if (k === '--concurrency') a.concurrency = Number(v);
    else if (k === '--duration') a.duration = Number(v);
    else if (k === '--warmup') a.warmup = Number(v);
    else throw new Error(`unknown option ${k}`);
  }
  if (!a.url || !a.body) throw new Error('--url and --body are required');
  if (!(Number.isInteger(a.concurrency) && a.concurrency > 0) || !(a.duration > 0) || !(a.warmup >= 0)) {
    throw new Error('--concurrency must be a positive integer, --duration positive, --warmup 0 or more');
  }
  return a;
}

let args;
try {
  args = parseArgs(process.argv);
} catch (e) {
  console.error(`ttfb.js: ${e.message}`);
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: args.concurrency, maxFreeSockets: args.concurrency });
const headers = { ...args.headers, 'Content-Type': 'application/json', 'Content-Length': args.body.length };
const stats = { ttfb: [], done: [], ok: 0, non_200: 0, incomplete: 0, errors: 0, first_failure: null };
let measuring = false;

function fail(kind, what) {
  if (!measuring) return;
  stats[kind]++;
  stats.first_failure ??= what;
}

// One request; resolves when it has ended either way.
function once() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let ttfb = -1;
    let done = -1;
    let text = '';
    const req = http.request(args.url, { method: 'POST', agent, headers }, (res) => {
      const sse = String(res.headers['content-type'] || '').startsWith('text/event-stream');
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
        if (ttfb < 0 && text.includes('data:')) ttfb = performance.now() - t0;
        if (done < 0 && text.includes('data: [DONE]')) done = performance.now() - t0;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) fail('non_200', `HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
        else if (!sse || done < 0) fail('incomplete', `200 (${res.headers['content-type']}) without data: [DONE]: ${text.slice(0, 200)}`);
        else if (measuring) {
          stats.ok++;
          stats.ttfb.push(ttfb);
          stats.done.push(done);
        }
        resolve();
      });
      res.on('error', (e) => {
        fail('errors', `response: ${e.message}`);
        resolve();
      });
    });
    req.on('error', (e) => {
      fail('errors', `request: ${e.message}`);
      resolve();
    });
    req.end(args.body);
  });
}

async function loop(until) {
  while (performance.now() < until) await once();
}

function pct(values, p) {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return Math.round(sorted[rank - 1] * 1000) / 1000;
}

async function main() {
  const lanes = Array.from({ length: args.concurrency });
  if (args.warmup > 0) {
    const until = performance.now() + args.warmup * 1000;
    await Promise.all(lanes.map(() => loop(until)));
  }
  measuring = true;
  const t0 = performance.now();
  const until = t0 + args.duration * 1000;
  await Promise.all(lanes.map(() => loop(until)));
  const seconds = (performance.now() - t0) / 1000;
  measuring = false;
  agent.destroy();
  const out = {
    concurrency: args.concurrency,
    seconds: Math.round(seconds * 1000) / 1000,
    ok: stats.ok,
    non_200: stats.non_200,
    incomplete: stats.incomplete,
    errors: stats.errors,
    rps: Math.round((stats.ok / seconds) * 10) / 10,
    ttfb_p50_ms: pct(stats.ttfb, 50),
    ttfb_p99_ms: pct(stats.ttfb, 99),
    done_p50_ms: pct(stats.done, 50),
    done_p99_ms: pct(stats.done, 99),
    first_failure: stats.first_failure,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(stats.ok > 0 ? 0 : 1);
}

main();
