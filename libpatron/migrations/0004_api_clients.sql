-- API clients of patrond (staff systems, kiosks, billing, DPO tools) and SIP2 kiosk logins, each
-- with a bearer token. The token is shown once when the client is added and stored only as its
-- SHA-256: a token is 32 random bytes (256 bits) from the OS's CSPRNG, so unlike a PIN or a
-- password it cannot be guessed or brute-forced from its hash, and a slow hash (Argon2) would buy
-- nothing but a cost on every request; the fast hash makes authentication one indexed lookup.
-- No personal data: names are of systems; created_by and revoked_by are staff user ids, as in
-- the audit log. Role `patron` has no tokens: patrons log in with card number and PIN.
CREATE TABLE api_clients (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Unique also once revoked: a name is never reused, so audit entries by it stay unambiguous.
    name         text NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    role         text NOT NULL
                 CHECK (role IN ('circulation', 'home_service', 'kiosk', 'billing', 'dpo', 'admin')),
    token_hash   bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    revoked_at   timestamptz,
    revoked_by   text,
    -- Updated at most once a minute, so authenticating is not a write per request.
    last_used_at timestamptz,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
