#!/usr/bin/env node
// Prints a new Ed25519 did:key key in the Brevet key file format
// ({type, id, controller, publicKeyMultibase, secretKeyMultibase}), generated
// by @digitalbazaar/ed25519-multikey.
import {generateKeyFile} from './lib/suites.mjs';

process.stdout.write(JSON.stringify(await generateKeyFile(), null, 2) + '\n');
