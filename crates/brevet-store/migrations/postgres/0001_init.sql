-- Brevet schema, version 1 (PostgreSQL). Portable types only: TEXT, BIGINT (unix seconds, 0/1 flags), BYTEA.
-- The SQLite twin is migrations/sqlite/0001_init.sql; keep them in step.

CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    url TEXT,
    email TEXT,
    description TEXT,
    logo_image_id TEXT,
    linkedin_org_id TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT,
    password_hash TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE memberships (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Single-use secrets sent by email: member invitations and password resets (stored hashed).
CREATE TABLE one_time_tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    email TEXT NOT NULL,
    org_id TEXT,
    role TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE oauth_clients (
    client_id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE oauth_tokens (
    token_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL REFERENCES oauth_clients(client_id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Issuer signing keys: the secret is sealed with the master key (XChaCha20-Poly1305).
CREATE TABLE signing_keys (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    fragment TEXT NOT NULL,
    public_key_multibase TEXT NOT NULL,
    sealed_secret BYTEA NOT NULL,
    master_key_id TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT,
    UNIQUE (org_id, fragment)
);

CREATE TABLE images (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    content_type TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE achievements (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    achievement_type TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    criteria TEXT NOT NULL,
    image_id TEXT,
    alignments_json TEXT NOT NULL,
    validity_days BIGINT,
    archived_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX achievements_org ON achievements (org_id);

-- Signed credentials, byte for byte as issued (json), plus what the pages and lists need.
CREATE TABLE credentials (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    achievement_id TEXT,
    credential_uri TEXT NOT NULL UNIQUE,
    achievement_name TEXT NOT NULL,
    recipient_name TEXT,
    recipient_email TEXT,
    recipient_did TEXT,
    json TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    valid_from BIGINT,
    valid_until BIGINT,
    supersedes TEXT,
    superseded_by TEXT,
    source TEXT NOT NULL
);
CREATE INDEX credentials_org_issued ON credentials (org_id, issued_at);

CREATE TABLE status_lists (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    purpose TEXT NOT NULL,
    size BIGINT NOT NULL,
    used BIGINT NOT NULL,
    version BIGINT NOT NULL,
    published_json TEXT,
    published_version BIGINT NOT NULL,
    published_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX status_lists_org ON status_lists (org_id, purpose);

-- One row per (list, index): the primary key is what guarantees no two credentials share an index.
CREATE TABLE status_entries (
    list_id TEXT NOT NULL REFERENCES status_lists(id),
    idx BIGINT NOT NULL,
    credential_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    is_set BIGINT NOT NULL,
    reason TEXT,
    changed_at BIGINT,
    PRIMARY KEY (list_id, idx)
);
CREATE INDEX status_entries_credential ON status_entries (credential_id);

CREATE TABLE idempotency_keys (
    org_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    status_code BIGINT,
    response TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, idem_key)
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    org_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    at BIGINT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, at);
