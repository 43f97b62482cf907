-- OpenID for Verifiable Credential Issuance (pre-authorized code flow).
--
-- oid4vci_offers: one row per credential offer made for an award. The pre-authorized code and
-- the access token it is exchanged for are stored only as SHA-256; the code works once and
-- until expires_at, the token until token_expires_at and for one credential (wallet_copy_id).
CREATE TABLE oid4vci_offers (
    code_hash TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    award_id TEXT NOT NULL REFERENCES credentials(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    redeemed_at BIGINT,
    token_hash TEXT UNIQUE,
    token_expires_at BIGINT,
    wallet_copy_id TEXT
);
CREATE INDEX oid4vci_offers_award ON oid4vci_offers (award_id);

-- c_nonce values already used in a key proof (SHA-256), kept until they would have expired.
CREATE TABLE oid4vci_used_nonces (
    nonce_hash TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- A credential issued to a wallet app is a credential of its own, linked to the award it copies:
-- revoking or suspending the award changes every copy too.
CREATE TABLE wallet_copies (
    credential_id TEXT PRIMARY KEY REFERENCES credentials(id),
    award_id TEXT NOT NULL REFERENCES credentials(id),
    holder_did TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX wallet_copies_award ON wallet_copies (award_id);
