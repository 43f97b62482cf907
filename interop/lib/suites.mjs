// Keys and Data Integrity suites of the JavaScript reference stack.
import {readFile} from 'node:fs/promises';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {
  createSignCryptosuite as createJcsSignCryptosuite,
  createVerifyCryptosuite as createJcsVerifyCryptosuite
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';

export const SUITES = ['eddsa-rdfc-2022', 'eddsa-jcs-2022'];

/**
 * Reads a Brevet-format key file: {publicKeyMultibase, secretKeyMultibase
 * (or privateKeyMultibase), id?, controller?}. Missing id/controller default
 * to the did:key of the public key.
 *
 * @param {string} path - The key file.
 * @returns {Promise<object>} An Ed25519Multikey key pair with a secret key.
 */
export async function readKeyFile(path) {
  const json = JSON.parse(await readFile(path, 'utf8'));
  const secretKeyMultibase = json.secretKeyMultibase ?? json.privateKeyMultibase;
  if(typeof json.publicKeyMultibase !== 'string' || typeof secretKeyMultibase !== 'string') {
    throw new Error(`key file "${path}" needs publicKeyMultibase and secretKeyMultibase`);
  }
  const controller = json.controller ?? `did:key:${json.publicKeyMultibase}`;
  const id = json.id ?? `${controller}#${json.publicKeyMultibase}`;
  return Ed25519Multikey.from({
    type: 'Multikey', id, controller,
    publicKeyMultibase: json.publicKeyMultibase, secretKeyMultibase
  });
}

/**
 * A new did:key Ed25519 key in the Brevet key file format (32-byte seed secret).
 *
 * @returns {Promise<object>} The key file JSON.
 */
export async function generateKeyFile() {
  const keyPair = await Ed25519Multikey.generate();
  keyPair.controller = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.id = `${keyPair.controller}#${keyPair.publicKeyMultibase}`;
  return keyPair.export({publicKey: true, secretKey: true, includeContext: false, canonicalize: true});
}

/**
 * A signing suite for `suiteName` with the key pair.
 *
 * @param {string} suiteName - eddsa-rdfc-2022 or eddsa-jcs-2022.
 * @param {object} keyPair - An Ed25519Multikey key pair with a secret key.
 * @returns {DataIntegrityProof} The suite.
 */
export function signingSuite(suiteName, keyPair) {
  const signer = keyPair.signer();
  switch(suiteName) {
    case 'eddsa-rdfc-2022':
      return new DataIntegrityProof({signer, cryptosuite: eddsaRdfc2022});
    case 'eddsa-jcs-2022':
      return new DataIntegrityProof({signer, cryptosuite: createJcsSignCryptosuite()});
    default:
      throw new Error(`unknown suite "${suiteName}" (expected one of ${SUITES.join(', ')})`);
  }
}

/**
 * Verification suites for every supported cryptosuite.
 *
 * @returns {DataIntegrityProof[]} The suites.
 */
export function verifyingSuites() {
  return [
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
    new DataIntegrityProof({cryptosuite: createJcsVerifyCryptosuite()})
  ];
}

/**
 * Sets the credential's issuer (string or Profile object) to `did`.
 *
 * @param {object} credential - The credential, changed in place.
 * @param {string} did - The issuer DID.
 */
export function setIssuer(credential, did) {
  if(credential.issuer && typeof credential.issuer === 'object') {
    credential.issuer.id = did;
  } else {
    credential.issuer = did;
  }
}

/**
 * Reads JSON from a file path, or standard input for "-" / no path.
 *
 * @param {string|undefined} path - The path.
 * @returns {Promise<object>} The parsed JSON.
 */
export async function readJsonInput(path) {
  if(path === undefined || path === '-') {
    const chunks = [];
    for await (const chunk of process.stdin) {
      chunks.push(chunk);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  }
  return JSON.parse(await readFile(path, 'utf8'));
}
