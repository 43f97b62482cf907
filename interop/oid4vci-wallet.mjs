#!/usr/bin/env node
// A wallet receiving a credential from a running Brevet server through OpenID for Verifiable
// Credential Issuance 1.0 (pre-authorized code flow), driven by the OpenWallet Foundation's
// @openid4vc/openid4vci client: resolve the offer (by value or by reference), fetch the Credential
// Issuer and Authorization Server metadata from their well-known locations, exchange the
// pre-authorized code for an access token, get a c_nonce, sign an openid4vci-proof+jwt with a
// fresh Ed25519 key (node:crypto), and request the credential.
//
// Usage: node oid4vci-wallet.mjs --offer URI [--binding did|jwk] [--alg EdDSA|ES256] [--now UNIX_SECONDS]
//   --binding did (default) names the key with a did:key kid, jwk puts the public JWK in the header.
//   --alg EdDSA (default) uses an Ed25519 key, ES256 a P-256 key.
//   --now is the time to put in the proof's iat (a test server runs on a manual clock).
// Prints one JSON object: {holder, version, credential}. Exit: 0 received, 1 refused, 2 bad usage.
//
// The test server speaks plain http on loopback, so https is not required of the issuer's URLs
// (setGlobalConfig allowInsecureUrls); nothing else is relaxed.
import {createHash, generateKeyPairSync, randomBytes, sign} from 'node:crypto';
import {parseArgs} from 'node:util';
import {Openid4vciClient, setGlobalConfig} from '@openid4vc/openid4vci';

let options;
try {
  const {values} = parseArgs({
    options: {
      offer: {type: 'string'},
      binding: {type: 'string', default: 'did'},
      alg: {type: 'string', default: 'EdDSA'},
      now: {type: 'string'}
    }
  });
  if(!values.offer || !['did', 'jwk'].includes(values.binding) ||
    !['EdDSA', 'ES256'].includes(values.alg)) {
    throw new Error('--offer URI is required; --binding is did or jwk; --alg is EdDSA or ES256');
  }
  options = values;
} catch(error) {
  console.error(`oid4vci-wallet.mjs: ${error.message}`);
  process.exit(2);
}

setGlobalConfig({allowInsecureUrls: true});

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58btc(bytes) {
  const digits = [];
  for(const byte of bytes) {
    let carry = byte;
    for(let i = 0; i < digits.length; ++i) {
      carry += digits[i] << 8;
      digits[i] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while(carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '';
  for(const byte of bytes) {
    if(byte !== 0) {
      break;
    }
    out += '1';
  }
  return out + digits.reverse().map(d => BASE58[d]).join('');
}

const es256 = options.alg === 'ES256';
const {publicKey, privateKey} = es256 ?
  generateKeyPairSync('ec', {namedCurve: 'P-256'}) : generateKeyPairSync('ed25519');
const exported = publicKey.export({format: 'jwk'});
const publicJwk = es256 ?
  {kty: 'EC', crv: 'P-256', x: exported.x, y: exported.y} :
  {kty: 'OKP', crv: 'Ed25519', x: exported.x};
// did:key: multicodec ed25519-pub (0xed01) + the raw key, or p256-pub (0x8024) + the
// compressed point.
let keyBytes;
if(es256) {
  const y = Buffer.from(exported.y, 'base64url');
  keyBytes = Buffer.concat([
    Buffer.from([0x80, 0x24, (y[y.length - 1] & 1) ? 0x03 : 0x02]),
    Buffer.from(exported.x, 'base64url')
  ]);
} else {
  keyBytes = Buffer.concat([Buffer.from([0xed, 0x01]), Buffer.from(exported.x, 'base64url')]);
}
const multibase = 'z' + base58btc(keyBytes);
const holder = `did:key:${multibase}`;
const signer = options.binding === 'did' ?
  {method: 'did', alg: options.alg, didUrl: `${holder}#${multibase}`} :
  {method: 'jwk', alg: options.alg, publicJwk};

const callbacks = {
  fetch,
  clientAuthentication: () => {},
  generateRandom: bytes => new Uint8Array(randomBytes(bytes)),
  hash: (data, algorithm) =>
    new Uint8Array(createHash(algorithm.replace('-', '').toLowerCase()).update(data).digest()),
  signJwt: async (jwtSigner, {header, payload}) => {
    const encode = part => Buffer.from(JSON.stringify(part)).toString('base64url');
    const input = `${encode(header)}.${encode(payload)}`;
    const signature = es256 ?
      sign('sha256', Buffer.from(input), {key: privateKey, dsaEncoding: 'ieee-p1363'}) :
      sign(null, Buffer.from(input), privateKey);
    return {jwt: `${input}.${signature.toString('base64url')}`, signerJwk: publicJwk};
  }
};

try {
  const client = new Openid4vciClient({callbacks});
  const credentialOffer = await client.resolveCredentialOffer(options.offer);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  const {accessTokenResponse} = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer,
    issuerMetadata
  });
  const {c_nonce: nonce} = await client.requestNonce({issuerMetadata});
  const credentialConfigurationId = credentialOffer.credential_configuration_ids[0];
  const issuedAt = options.now ? new Date(Number(options.now) * 1000) : new Date();
  const {jwt} = await client.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId,
    signer,
    nonce,
    issuedAt
  });
  const {credentialResponse} = await client.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId,
    proofs: {jwt: [jwt]}
  });
  const [first] = credentialResponse.credentials;
  console.log(JSON.stringify({
    holder,
    version: issuerMetadata.originalDraftVersion,
    credential: first.credential ?? first
  }));
} catch(error) {
  const body = error.responseText ?? error.response?.body ?? '';
  console.error(`oid4vci-wallet.mjs: ${error.name}: ${error.message} ${body}`);
  process.exit(1);
}
