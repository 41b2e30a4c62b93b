-- Sessions of the web library: a patron who logged in with card number and PIN acts as role
-- `patron` for a fixed time from login. The token is given to the patron once and stored only as
-- its SHA-256, for the reasons of api_clients' tokens (0004): 256 random bits cannot be guessed
-- from their hash, so a copy of this table lets no one act as a patron. A session links a token
-- to a patron and tells when they logged in: personal data (GDPR art. 5(1)(e)), so a session
-- dies with its patron, and expired ones are deleted when someone next logs in.
CREATE TABLE web_sessions (
    token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    patron_id  bigint NOT NULL REFERENCES patrons (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);
-- Deleting the expired sessions of all patrons at once.
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
-- Deleting a patron finds their sessions without a scan (the cascade).
CREATE INDEX web_sessions_patron ON web_sessions (patron_id);
