#!/usr/bin/env node
// Prints an unsigned BitstringStatusListCredential (VC 2.0) for signing with
// sign.mjs or `brevet sign`.
//
// Usage: node statuslist.mjs --url URL --issuer DID [--purpose revocation]
//                            [--set INDEX ...] [--size 131072]
import {parseArgs} from 'node:util';
import {encodeList, MIN_ENTRIES} from './lib/statuslist.mjs';

let values;
try {
  ({values} = parseArgs({
    options: {
      url: {type: 'string'},
      issuer: {type: 'string'},
      purpose: {type: 'string', default: 'revocation'},
      set: {type: 'string', multiple: true, default: []},
      size: {type: 'string', default: String(MIN_ENTRIES)}
    }
  }));
  if(!values.url || !values.issuer) {
    throw new Error('--url URL and --issuer DID are required');
  }
} catch(error) {
  console.error(`statuslist.mjs: ${error.message}`);
  process.exit(2);
}

const credential = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  id: values.url,
  type: ['VerifiableCredential', 'BitstringStatusListCredential'],
  issuer: values.issuer,
  validFrom: '2025-01-01T00:00:00Z',
  credentialSubject: {
    id: `${values.url}#list`,
    type: 'BitstringStatusList',
    statusPurpose: values.purpose,
    encodedList: encodeList(Number(values.size), values.set.map(Number))
  }
};
process.stdout.write(JSON.stringify(credential, null, 2) + '\n');
