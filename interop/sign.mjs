#!/usr/bin/env node
// Signs an unsigned credential with the JavaScript reference stack
// (@digitalbazaar/vc + data-integrity + eddsa-rdfc-2022 / eddsa-jcs-2022),
// offline, and prints the signed credential.
//
// Usage: node sign.mjs --key KEYFILE [--suite eddsa-rdfc-2022|eddsa-jcs-2022]
//                      [--fill-issuer] [IN|-]
//   --fill-issuer  set the issuer (id) to the key's controller first
// Exit: 0 signed, 1 signing refused/failed, 2 bad usage or unreadable input.
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import {documentLoader} from './lib/loader.mjs';
import {readJsonInput, readKeyFile, setIssuer, signingSuite} from './lib/suites.mjs';

let options;
let credential;
let keyPair;
try {
  options = parseArgs({
    allowPositionals: true,
    options: {
      key: {type: 'string'},
      suite: {type: 'string', default: 'eddsa-rdfc-2022'},
      'fill-issuer': {type: 'boolean', default: false}
    }
  });
  if(!options.values.key) {
    throw new Error('--key FILE is required');
  }
  keyPair = await readKeyFile(options.values.key);
  credential = await readJsonInput(options.positionals[0]);
} catch(error) {
  console.error(`sign.mjs: ${error.message}`);
  process.exit(2);
}

try {
  if(options.values['fill-issuer']) {
    setIssuer(credential, keyPair.controller);
  }
  const suite = signingSuite(options.values.suite, keyPair);
  const signed = await vc.issue({credential, suite, documentLoader});
  process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
} catch(error) {
  console.error(`sign.mjs: signing failed: ${error.message}`);
  process.exit(1);
}
