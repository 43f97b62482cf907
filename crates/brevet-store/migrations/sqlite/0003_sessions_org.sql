-- Sessions remember the organisation the user is working in (the dashboard's organisation
-- switcher); lookups by user (sign out everywhere on a password change), by OAuth client (revoke
-- its tokens at once) and of pending invitations by organisation.
ALTER TABLE sessions ADD COLUMN org_id TEXT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX oauth_tokens_client ON oauth_tokens (client_id);
CREATE INDEX one_time_tokens_org ON one_time_tokens (org_id, kind);
