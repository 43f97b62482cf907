#!/usr/bin/env node
// Single-thread throughput of the JavaScript reference stack on a realistic
// OB 3.0 credential (offline loader): by default fixtures/ob3-credential.json,
// or --credential FILE (e.g. the sample `brevet demo --dir DIR` writes to
// DIR/badge.json, so both stacks are measured on the same document). The
// issuer is replaced by the benchmark's own did:key.
//
// Usage: node bench.mjs [--runs N] [--ms MILLISECONDS_PER_RUN] [--credential FILE]
// Prints one line per figure, `NAME MEDIAN MIN MAX RUNS` in operations per
// second (the `brevet bench` format); lines starting with `#` are comments.
import {readFile} from 'node:fs/promises';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import {documentLoader} from './lib/loader.mjs';
import {generateKeyFile, setIssuer, signingSuite, verifyingSuites} from './lib/suites.mjs';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

const {values} = parseArgs({
  options: {
    runs: {type: 'string', default: '5'},
    ms: {type: 'string', default: '1000'},
    credential: {type: 'string'}
  }
});
const runs = Number(values.runs);
const runMs = Number(values.ms);
if(!(Number.isInteger(runs) && runs > 0 && runMs > 0)) {
  console.error('bench.mjs: --runs must be a positive integer and --ms positive');
  process.exit(2);
}

const credentialPath = values.credential ??
  new URL('./fixtures/ob3-credential.json', import.meta.url).pathname;
const unsigned = JSON.parse(await readFile(credentialPath, 'utf8'));
delete unsigned.proof;
const keyPair = await Ed25519Multikey.from(await generateKeyFile());
setIssuer(unsigned, keyPair.controller);
const verifySuite = verifyingSuites();

/** Operations per second of `operation`, looped for about `runMs`. */
async function measure(operation) {
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(runMs) * 1_000_000n;
  let now = start;
  do {
    await operation();
    count++;
    now = process.hrtime.bigint();
  } while(now < deadline);
  return count / (Number(now - start) / 1e9);
}

async function figure(name, operation) {
  await measure(operation); // warm-up run (JIT, context caches), discarded
  const results = [];
  for(let i = 0; i < runs; i++) {
    results.push(await measure(operation));
  }
  results.sort((a, b) => a - b);
  const median = results.length % 2 ?
    results[(results.length - 1) / 2] :
    (results[results.length / 2 - 1] + results[results.length / 2]) / 2;
  const fmt = x => x.toFixed(1);
  console.log(`${name} ${fmt(median)} ${fmt(results[0])} ${fmt(results.at(-1))} ${runs}`);
}

console.log(`# JavaScript reference stack (@digitalbazaar/vc), node ${process.version}, single thread`);
console.log(`# credential: ${credentialPath} (${JSON.stringify(unsigned).length} bytes compact)`);
console.log('# NAME MEDIAN MIN MAX RUNS (operations per second)');
for(const [short, suiteName] of [['rdfc', 'eddsa-rdfc-2022'], ['jcs', 'eddsa-jcs-2022']]) {
  const suite = signingSuite(suiteName, keyPair);
  const issueOnce = () => vc.issue({credential: structuredClone(unsigned), suite, documentLoader});
  const signed = await issueOnce();
  const check = await vc.verifyCredential({credential: signed, suite: verifySuite, documentLoader,
    checkStatus: async () => ({verified: true})});
  if(!check.verified) {
    console.error(`bench.mjs: ${suiteName} credential did not verify; not measuring`);
    process.exit(1);
  }
  await figure(`js.${short}.issue_per_s`, issueOnce);
  await figure(`js.${short}.verify_per_s`, async () => {
    const result = await vc.verifyCredential({credential: signed, suite: verifySuite, documentLoader,
      checkStatus: async () => ({verified: true})});
    if(!result.verified) {
      throw new Error(`${suiteName} verification failed during the benchmark`);
    }
  });
}
