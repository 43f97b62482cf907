// Self-test of the interop scripts on the JavaScript stack alone:
// JS sign -> JS verify for both suites, a one-byte change in a claim is
// rejected, and offline status lists are honoured. Run: node --test
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'brevet-interop-'));
const statusUrl = 'https://northbridge.example.edu/status/1';

function node(script, args, input) {
  return spawnSync(process.execPath, [join(here, script), ...args], {input, encoding: 'utf8'});
}
function write(name, text) {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const keyFile = write('key.json', execFileSync(process.execPath, [join(here, 'keys.mjs')], {encoding: 'utf8'}));
const issuer = JSON.parse(readFileSync(keyFile, 'utf8')).controller;
const fixture = join(here, 'fixtures', 'ob3-credential.json');

function signStatusList(name, setIndices) {
  const list = node('statuslist.mjs', ['--url', statusUrl, '--issuer', issuer,
    ...setIndices.flatMap(i => ['--set', String(i)])]);
  assert.equal(list.status, 0, list.stderr);
  const signed = node('sign.mjs', ['--key', keyFile], list.stdout);
  assert.equal(signed.status, 0, signed.stderr);
  return write(name, signed.stdout);
}

for(const suite of ['eddsa-rdfc-2022', 'eddsa-jcs-2022']) {
  test(`${suite}: JS-signed OB 3.0 credential verifies, tampering and revocation are rejected`, () => {
    const signed = node('sign.mjs', ['--key', keyFile, '--suite', suite, '--fill-issuer', fixture]);
    assert.equal(signed.status, 0, signed.stderr);
    assert.equal(JSON.parse(signed.stdout).proof.cryptosuite, suite);

    const ok = node('verify.mjs', ['-'], signed.stdout);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);

    assert.ok(signed.stdout.includes('"value": "86"'));
    const tampered = node('verify.mjs', ['-'], signed.stdout.replace('"value": "86"', '"value": "96"'));
    assert.equal(tampered.status, 1, tampered.stdout + tampered.stderr);
    assert.match(tampered.stdout, /NOT verified/);

    const clear = signStatusList(`list-clear-${suite}.json`, []);
    const withStatus = node('verify.mjs', ['-', '--status-list', `${statusUrl}=${clear}`], signed.stdout);
    assert.equal(withStatus.status, 0, withStatus.stdout + withStatus.stderr);

    const revoked = signStatusList(`list-revoked-${suite}.json`, [94567]);
    const rejected = node('verify.mjs', ['-', '--status-list', `${statusUrl}=${revoked}`], signed.stdout);
    assert.equal(rejected.status, 1, rejected.stdout + rejected.stderr);
    assert.match(rejected.stdout, /revocation" is set at index 94567/);
  });
}

test('unreadable input exits 2', () => {
  assert.equal(node('verify.mjs', [join(work, 'missing.json')]).status, 2);
  assert.equal(node('sign.mjs', ['--key', join(work, 'missing-key.json'), fixture]).status, 2);
});

test('every context Brevet pins that the npm packages also ship is identical', async () => {
  const {documentLoader} = await import('./lib/loader.mjs');
  const {isDeepStrictEqual} = await import('node:util');
  const contextsDir = join(here, '..', 'crates', 'brevet-core', 'contexts');
  const manifest = JSON.parse(readFileSync(join(contextsDir, 'manifest.json'), 'utf8'));
  let compared = 0;
  for(const {url, file} of manifest) {
    let shipped;
    try {
      shipped = (await documentLoader(url)).document;
    } catch {
      console.log(`# not in the npm context packages, not compared: ${url}`);
      continue;
    }
    const pinned = JSON.parse(readFileSync(join(contextsDir, file), 'utf8'));
    assert.ok(isDeepStrictEqual(shipped, pinned), `${url}: ${file} differs from the npm package's context`);
    compared++;
  }
  assert.ok(compared >= 10, `only ${compared} contexts compared`);
});
