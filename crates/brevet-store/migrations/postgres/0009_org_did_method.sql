-- The DID method an organisation signs as: 'web' (did:web, its DID document served at
-- /{slug}/did.json; the default, which every existing organisation keeps) or 'key' (did:key:
-- its DID is the public key of its only signing key, which therefore never rotates).
ALTER TABLE orgs ADD COLUMN did_method TEXT NOT NULL DEFAULT 'web' CHECK (did_method IN ('web', 'key'));
