-- Earners and their wallets (postgres; the sqlite twin is migrations/sqlite/0004_wallet.sql).
-- An earner account has no password: it signs in with single-use links mailed to an address it
-- has proven, and collects every credential issued to any of its proven addresses.

CREATE TABLE earners (
    id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- Proven addresses, normalised (trimmed, lower case): one wallet per address.
CREATE TABLE earner_emails (
    email TEXT PRIMARY KEY,
    earner_id TEXT NOT NULL REFERENCES earners(id),
    verified_at BIGINT NOT NULL
);
CREATE INDEX earner_emails_earner ON earner_emails (earner_id);

-- Wallet sessions (the brevet_wallet cookie), stored as SHA-256 like dashboard sessions.
CREATE TABLE earner_sessions (
    token_hash TEXT PRIMARY KEY,
    earner_id TEXT NOT NULL REFERENCES earners(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX earner_sessions_earner ON earner_sessions (earner_id);

-- Single-use links mailed to earners, stored as SHA-256: purpose 'claim' (sent with an award),
-- 'signin' (asked for on the sign-in page) or 'add-email' (bound to the wallet that asked).
CREATE TABLE wallet_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    earner_id TEXT,
    credential_id TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX wallet_tokens_email ON wallet_tokens (email);
CREATE INDEX wallet_tokens_earner ON wallet_tokens (earner_id);

-- What a wallet holds. source 'issued': a credential of this server (credential_id; its bytes
-- stay in credentials, the issuer's record). source 'imported' (later): payload holds the bytes
-- as received, in format ('ob3-json', 'ob2-json', 'vc-jwt', ...). dedupe_key is
-- 'sha256:' + hex SHA-256 of the canonical payload (JCS for JSON, the compact text for a JWT),
-- so one credential is kept once per wallet whichever way it arrived.
CREATE TABLE wallet_items (
    id TEXT PRIMARY KEY,
    earner_id TEXT NOT NULL REFERENCES earners(id),
    source TEXT NOT NULL,
    credential_id TEXT REFERENCES credentials(id),
    format TEXT NOT NULL,
    payload BYTEA,
    dedupe_key TEXT NOT NULL,
    hidden BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    UNIQUE (earner_id, dedupe_key)
);
CREATE INDEX wallet_items_earner ON wallet_items (earner_id, added_at);
CREATE INDEX wallet_items_credential ON wallet_items (credential_id);

-- Collections: the id is the unguessable (128-bit) public address /collections/{id}.
CREATE TABLE wallet_collections (
    id TEXT PRIMARY KEY,
    earner_id TEXT NOT NULL REFERENCES earners(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX wallet_collections_earner ON wallet_collections (earner_id);

CREATE TABLE wallet_collection_items (
    collection_id TEXT NOT NULL REFERENCES wallet_collections(id),
    item_id TEXT NOT NULL REFERENCES wallet_items(id),
    position BIGINT NOT NULL,
    PRIMARY KEY (collection_id, item_id)
);
CREATE INDEX wallet_collection_items_item ON wallet_collection_items (item_id);

-- A wallet finds its credentials by recipient address.
CREATE INDEX credentials_recipient_email ON credentials (recipient_email);
