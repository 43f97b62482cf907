-- The design of an organisation's printable PDF certificates: a layout name (classic, modern,
-- minimal) and an accent colour (#rrggbb), both checked by brevet-app before they are stored.
-- An organisation without a row gets the default design.
CREATE TABLE certificate_designs (
    org_id TEXT PRIMARY KEY REFERENCES orgs(id),
    layout TEXT NOT NULL,
    color TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
