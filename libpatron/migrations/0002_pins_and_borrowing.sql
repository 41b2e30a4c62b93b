-- PINs for self-service, kiosk verification, and what decides whether a patron may borrow.

-- A patron's PIN as an Argon2id PHC string with the id of the pepper (Argon2 secret, kept in the
-- key file, never here). Failed attempts are counted here so several service instances share
-- one exact count; locked_until set means the card is locked until then.
CREATE TABLE patron_pins (
    patron_id       bigint PRIMARY KEY REFERENCES patrons (id) ON DELETE CASCADE,
    pin_hash        text NOT NULL CHECK (pin_hash LIKE '$argon2id$%'),
    pepper_id       smallint NOT NULL,
    set_at          timestamptz NOT NULL,
    set_by          text NOT NULL,
    failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    timestamptz
);

-- Failed verifications per kiosk in the current window, for throttling a kiosk that guesses.
-- No personal data: the kiosk's id only.
CREATE TABLE kiosk_failures (
    kiosk_id     text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    failures     integer NOT NULL CHECK (failures >= 0)
);

-- Card validity, and restriction of processing (GDPR art. 18): stored, not processed.
ALTER TABLE patrons
    ADD COLUMN card_expires_on date,
    ADD COLUMN processing_restricted_at timestamptz;

-- The guardian's consent to the ward's borrowing and self-service use (the signed application).
ALTER TABLE guardianships
    ADD COLUMN consent_at timestamptz,
    ADD COLUMN consent_by text,
    ADD CONSTRAINT guardianships_consent_whole CHECK ((consent_at IS NULL) = (consent_by IS NULL));

-- A loan ban (lainauskielto) in force from starts_on to ends_on (open-ended when NULL) unless
-- lifted.
CREATE TABLE loan_bans (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patron_id  bigint NOT NULL REFERENCES patrons (id) ON DELETE CASCADE,
    reason     text NOT NULL,
    starts_on  date NOT NULL,
    ends_on    date,
    set_at     timestamptz NOT NULL,
    set_by     text NOT NULL,
    lifted_at  timestamptz,
    lifted_by  text,
    CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);
CREATE INDEX loan_bans_patron ON loan_bans (patron_id) WHERE lifted_at IS NULL;

-- Fees (maksut) in euro cents. Unpaid, uncancelled fees keep the patron (retention legal hold).
CREATE TABLE fees (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patron_id    bigint NOT NULL REFERENCES patrons (id) ON DELETE RESTRICT,
    kind         text NOT NULL
                 CHECK (kind IN ('overdue', 'lost', 'damaged', 'hold_not_picked_up', 'other')),
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    created_at   timestamptz NOT NULL,
    created_by   text NOT NULL,
    paid_at      timestamptz,
    cancelled_at timestamptz,
    CHECK (paid_at IS NULL OR cancelled_at IS NULL)
);
CREATE INDEX fees_patron_open ON fees (patron_id) WHERE paid_at IS NULL AND cancelled_at IS NULL;

-- What an audited attempt came to (a kiosk verification: verified, wrong_pin, locked, ...).
ALTER TABLE audit_log ADD COLUMN outcome text;

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seal_no IS NULL AND NEW.seal_no IS NOT NULL
       AND (NEW.id, NEW.at, NEW.actor, NEW.role, NEW.action, NEW.patron_id, NEW.purpose, NEW.fields,
            NEW.outcome)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor, OLD.role, OLD.action, OLD.patron_id, OLD.purpose, OLD.fields,
            OLD.outcome)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
