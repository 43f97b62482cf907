#!/usr/bin/env node
// Verifies a credential issued by a running Brevet server with the JavaScript
// reference stack: @digitalbazaar/vc verifyCredential with the eddsa-rdfc-2022
// and eddsa-jcs-2022 cryptosuites, and the Bitstring Status List check of
// @digitalbazaar/vc-bitstring-status-list (the status list credential is
// fetched from the server and its own proof verified by the same stack).
//
// The document loader serves the pinned contexts statically (lib/loader.mjs),
// resolves did:key locally, maps the server's did:web identifiers to
// {base_url}/{slug}/did.json over plain http (the test server has no TLS), and
// fetches status lists under {base_url}/status/. Every other URL is refused.
//
// Usage: node verify-server.mjs --base-url URL [IN|-]
// Prints "verified" or "NOT verified", then one "status PURPOSE: set|not set"
// line per status entry and any errors.
// Exit: 0 verified, 1 not verified (a status bit set counts), 2 bad usage.
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {documentLoader as offlineLoader} from './lib/loader.mjs';
import {readJsonInput, verifyingSuites} from './lib/suites.mjs';

let baseUrl;
let credential;
try {
  const {values, positionals} = parseArgs({
    allowPositionals: true,
    options: {'base-url': {type: 'string'}}
  });
  if(!values['base-url']) {
    throw new Error('--base-url is required');
  }
  baseUrl = new URL(values['base-url']);
  credential = await readJsonInput(positionals[0]);
} catch(error) {
  console.error(`verify-server.mjs: ${error.message}`);
  process.exit(2);
}

const origin = baseUrl.origin;
const basePath = baseUrl.pathname.replace(/\/$/, '');

/**
 * The URL of a did:web DID document (did:web:host%3Aport:path:slug ->
 * https://host:port/path/slug/did.json), or null when the DID is not one of
 * the server's (the only did:web this loader resolves).
 *
 * @param {string} did - The DID (no fragment).
 * @returns {string|null} The http(s) URL on the server.
 */
function didWebUrl(did) {
  const [, , authority, ...segments] = did.split(':');
  if(!authority || decodeURIComponent(authority) !== baseUrl.host) {
    return null;
  }
  const path = segments.map(decodeURIComponent).join('/');
  if(!path.startsWith(basePath.replace(/^\//, ''))) {
    return null;
  }
  return `${baseUrl.protocol}//${baseUrl.host}/${path}/did.json`;
}

async function fetchJson(url) {
  const response = await fetch(url, {
    redirect: 'error',
    headers: {accept: 'application/json, application/did+json, application/vc+ld+json'}
  });
  if(!response.ok) {
    throw new Error(`GET ${url} answered ${response.status}`);
  }
  return response.json();
}

async function documentLoader(url) {
  if(url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const location = didWebUrl(did);
    if(!location) {
      throw new Error(`refusing to resolve "${did}": not a DID of ${origin}`);
    }
    const didDocument = await fetchJson(location);
    if(didDocument.id !== did) {
      throw new Error(`the DID document at ${location} is for ${didDocument.id}, not ${did}`);
    }
    if(fragment === undefined) {
      return {contextUrl: null, documentUrl: url, document: didDocument};
    }
    const method = (didDocument.verificationMethod ?? []).find(
      candidate => candidate.id === url || candidate.id === `#${fragment}`);
    if(!method) {
      throw new Error(`${did} has no verification method #${fragment}`);
    }
    return {
      contextUrl: null,
      documentUrl: url,
      document: {'@context': 'https://w3id.org/security/multikey/v1', ...method}
    };
  }
  if(url.startsWith(`${origin}${basePath}/status/`)) {
    return {contextUrl: null, documentUrl: url, document: await fetchJson(url)};
  }
  return offlineLoader(url);
}

const suite = verifyingSuites();
const statusLines = [];

// The reference status check reports each entry's bit; a set bit (revoked,
// suspended) makes the credential not verified.
async function checkAndReadStatus({credential}) {
  const result = await checkStatus({credential, documentLoader, suite});
  if(!result.verified) {
    return result;
  }
  let anySet = false;
  for(const {credentialStatus, status} of result.results) {
    statusLines.push(`status ${credentialStatus.statusPurpose}: ${status ? 'set' : 'not set'}`);
    anySet ||= status;
  }
  if(anySet) {
    return {verified: false, error: new Error('a credential status bit is set')};
  }
  return result;
}

function describe(result) {
  const errors = [];
  for(const error of [result.error, ...(result.results ?? []).map(r => r.error),
    result.statusResult?.error]) {
    if(error) {
      errors.push(...(error.errors ?? [error]));
    }
  }
  return [...new Set(errors.map(e => e.message ?? String(e)))].join('; ') ||
    'no proof verified';
}

let result;
try {
  const hasStatus = credential.credentialStatus !== undefined;
  result = await vc.verifyCredential({
    credential, suite, documentLoader,
    ...(hasStatus ? {checkStatus: checkAndReadStatus} : {})
  });
} catch(error) {
  result = {verified: false, error};
}
console.log(result.verified ? 'verified' : 'NOT verified');
for(const line of statusLines) {
  console.log(line);
}
if(!result.verified) {
  console.log(`errors: ${describe(result)}`);
}
process.exit(result.verified ? 0 : 1);
