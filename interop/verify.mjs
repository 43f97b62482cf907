#!/usr/bin/env node
// Verifies a signed credential with the JavaScript reference stack
// (@digitalbazaar/vc verifyCredential, eddsa-rdfc-2022 and eddsa-jcs-2022),
// offline, and prints the outcome and any errors.
//
// Usage: node verify.mjs [IN|-] [--status-list URL=FILE ...] [--now RFC3339]
//   Without --status-list, credentialStatus is NOT checked (reported as such).
//   With it, each BitstringStatusListEntry is checked against the supplied,
//   signed status list credential (its proof verified by the same stack); a
//   status list URL without a supplied file fails verification.
// Exit: 0 verified, 1 not verified, 2 bad usage or unreadable input.
import {readFile} from 'node:fs/promises';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import {documentLoader} from './lib/loader.mjs';
import {isSet} from './lib/statuslist.mjs';
import {readJsonInput, verifyingSuites} from './lib/suites.mjs';

let values;
let credential;
const statusLists = new Map();
try {
  let positionals;
  ({values, positionals} = parseArgs({
    allowPositionals: true,
    options: {
      'status-list': {type: 'string', multiple: true, default: []},
      now: {type: 'string'}
    }
  }));
  for(const pair of values['status-list']) {
    const at = pair.indexOf('=');
    if(at <= 0) {
      throw new Error(`--status-list expects URL=FILE, got "${pair}"`);
    }
    statusLists.set(pair.slice(0, at), JSON.parse(await readFile(pair.slice(at + 1), 'utf8')));
  }
  credential = await readJsonInput(positionals[0]);
} catch(error) {
  console.error(`verify.mjs: ${error.message}`);
  process.exit(2);
}

const now = values.now ? new Date(values.now) : undefined;
const suite = verifyingSuites();
let statusNote = 'status: not applicable (no credentialStatus)';

async function checkStatus({credential}) {
  if(statusLists.size === 0) {
    statusNote = 'status: NOT CHECKED (no --status-list supplied)';
    return {verified: true};
  }
  const entries = [credential.credentialStatus].flat();
  for(const entry of entries) {
    if(entry.type !== 'BitstringStatusListEntry') {
      return {verified: false, error: new Error(`unsupported credentialStatus type "${entry.type}"`)};
    }
    const listCredential = statusLists.get(entry.statusListCredential);
    if(!listCredential) {
      return {verified: false, error: new Error(`no status list supplied for "${entry.statusListCredential}"`)};
    }
    const listResult = await vc.verifyCredential({credential: listCredential, suite, documentLoader, now});
    if(!listResult.verified) {
      return {verified: false, error: new Error(`status list credential did not verify: ${describe(listResult)}`)};
    }
    const issuerOf = c => (typeof c.issuer === 'object' ? c.issuer.id : c.issuer);
    if(issuerOf(listCredential) !== issuerOf(credential)) {
      return {verified: false, error: new Error('status list issuer differs from the credential issuer')};
    }
    const subject = listCredential.credentialSubject;
    if(subject.statusPurpose !== entry.statusPurpose) {
      return {verified: false, error: new Error(`status purpose mismatch: list "${subject.statusPurpose}", entry "${entry.statusPurpose}"`)};
    }
    if(isSet(subject.encodedList, Number(entry.statusListIndex))) {
      return {verified: false, error: new Error(`credential status "${entry.statusPurpose}" is set at index ${entry.statusListIndex}`)};
    }
  }
  statusNote = 'status: checked, not set';
  return {verified: true};
}

function describe(result) {
  const errors = [];
  if(result.error) {
    errors.push(result.error);
  }
  for(const r of result.results ?? []) {
    if(r.error) {
      errors.push(r.error);
    }
  }
  if(result.statusResult?.error) {
    errors.push(result.statusResult.error);
  }
  const messages = errors.flatMap(e => (e.errors ? e.errors : [e])).map(e => e.message ?? String(e));
  return [...new Set(messages)].join('; ') || 'no proof verified';
}

let result;
try {
  result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus, now});
} catch(error) {
  result = {verified: false, error};
}
if(result.verified) {
  console.log('verified');
  console.log(statusNote);
  process.exit(0);
}
console.log('NOT verified');
console.log(`errors: ${describe(result)}`);
process.exit(1);
