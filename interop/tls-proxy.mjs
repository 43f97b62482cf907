#!/usr/bin/env node
// A minimal TLS-terminating reverse proxy for local test runs (scripts/w3c-suites.sh): the W3C
// test suites reach their endpoints and status lists over https only, while `brevet serve`
// speaks plain http behind a proxy. Node built-ins only; loopback only.
//
// Usage: node tls-proxy.mjs --listen PORT --cert FILE --key FILE --target http://127.0.0.1:PORT
import {readFileSync} from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import {parseArgs} from 'node:util';

const {values} = parseArgs({
  options: {
    listen: {type: 'string'},
    cert: {type: 'string'},
    key: {type: 'string'},
    target: {type: 'string'}
  }
});
for(const name of ['listen', 'cert', 'key', 'target']) {
  if(!values[name]) {
    console.error(`tls-proxy.mjs: --${name} is required`);
    process.exit(2);
  }
}
const target = new URL(values.target);
if(!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) {
  console.error('tls-proxy.mjs: the target must be on loopback');
  process.exit(2);
}

const server = https.createServer({
  cert: readFileSync(values.cert),
  key: readFileSync(values.key)
}, (request, response) => {
  const upstream = http.request({
    host: target.hostname,
    port: target.port,
    method: request.method,
    path: request.url,
    headers: {...request.headers, 'x-forwarded-proto': 'https'}
  }, answer => {
    response.writeHead(answer.statusCode, answer.headers);
    answer.pipe(response);
  });
  upstream.on('error', error => {
    response.writeHead(502, {'content-type': 'text/plain'});
    response.end(`upstream error: ${error.message}\n`);
  });
  request.pipe(upstream);
});
server.listen(Number(values.listen), '127.0.0.1', () => {
  console.log(`tls-proxy: https://localhost:${values.listen} -> ${values.target}`);
});
