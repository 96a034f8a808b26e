#!/usr/bin/env node
// A fast fake OpenAI upstream for bench/gateway/run.sh (no dependencies; Node's http module).
//
//   node bench/gateway/fake-upstream.js --port 5078 [--event-delay-ms 0] [--host 127.0.0.1]
//
// POST /v1/chat/completions
//   body without "stream": true -> 200 application/json, the recorded chat.completion of
//     tests/testdata/openai/examples/chat_default.response.json (the same bytes every time);
//   body with "stream": true -> 200 text/event-stream, the recorded stream
//     tests/testdata/openai/recorded_streams/chat_stream_plain_text.sse (34 "data:" events, the last "data: [DONE]").
//     With --event-delay-ms 0 (the default) the whole stream is written at once; above 0 each event is written on its
//     own, that many milliseconds after the previous one (the first one at once).
//   a body that is not JSON -> 400 with an OpenAI-shaped error.
// GET /health -> 200 "ok" (start-up probe).
// Anything else -> 404.
//
// It counts requests per kind and prints the counts as one JSON line on stdout when it gets SIGTERM or SIGINT, then
// exits 0. It never reads the Authorization header: the gateways' bearer tokens are not checked.
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', '5078'));
const host = arg('host', '127.0.0.1');
const eventDelayMs = Number(arg('event-delay-ms', '0'));
if (!Number.isInteger(port) || port <= 0 || !(eventDelayMs >= 0)) {
  console.error('usage: fake-upstream.js --port N [--event-delay-ms MS] [--host ADDR]');
  process.exit(2);
}

const testdata = path.resolve(__dirname, '../../tests/testdata/openai');
const completion = fs.readFileSync(path.join(testdata, 'examples/chat_default.response.json'));
const streamBytes = fs.readFileSync(path.join(testdata, 'recorded_streams/chat_stream_plain_text.sse'));
// The stream's events ("data: …\n\n" each), for --event-delay-ms above 0.
const events = streamBytes.toString('utf8').split(/(?<=\n\n)/).filter((e) => e.trim() !== '').map((e) => Buffer.from(e));

const counts = { completion: 0, stream: 0, bad_request: 0, not_found: 0 };

function sendStream(res) {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  if (eventDelayMs === 0) {
    res.end(streamBytes);
    return;
  }
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    res.write(events[i++]);
    if (i < events.length) setTimeout(next, eventDelayMs);
    else res.end();
  };
  next();
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('ok');
    return;
  }
  if (req.method !== 'POST' || req.url.split('?')[0] !== '/v1/chat/completions') {
    counts.not_found++;
    req.resume();
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } }));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      counts.bad_request++;
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'the body is not JSON', type: 'invalid_request_error' } }));
      return;
    }
    if (body && body.stream === true) {
      counts.stream++;
      sendStream(res);
    } else {
      counts.completion++;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': completion.length });
      res.end(completion);
    }
  });
});
server.keepAliveTimeout = 65_000;

function stop() {
  process.stdout.write(`${JSON.stringify({ requests: counts })}\n`);
  server.close();
  server.closeAllConnections();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

server.listen(port, host, () => {
  process.stderr.write(`fake OpenAI upstream on http://${host}:${port}/v1 (event delay ${eventDelayMs} ms)\n`);
});
