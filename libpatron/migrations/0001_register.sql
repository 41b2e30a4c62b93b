-- The patron register: patrons, guardianships, organisation contacts, and the audit log.
-- Personal data categories follow DESIGN.md §3. The identity code (HETU) is never stored in
-- clear: only AES-256-GCM ciphertext and an HMAC-SHA-256 blind index, each with its key id.

CREATE TABLE patrons (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind               text NOT NULL CHECK (kind IN ('person', 'organisation')),
    hetu_key_id        smallint,
    hetu_ciphertext    bytea,
    hetu_index_key_id  smallint,
    hetu_index         bytea,
    birth_date         date,
    surname            text,
    given_names        text,
    organisation_name  text,
    street_address     text,
    postal_code        text,
    post_office        text,
    country            text,
    email              text,
    phones             text[] NOT NULL DEFAULT '{}',
    card_number        text NOT NULL,
    home_library       text NOT NULL,
    mother_tongue      text,
    gender             text NOT NULL DEFAULT 'not_given'
                       CHECK (gender IN ('not_given', 'female', 'male', 'other')),
    due_date_reminder  text NOT NULL DEFAULT 'none'
                       CHECK (due_date_reminder IN ('none', 'email', 'sms', 'letter')),
    overdue_notice     text NOT NULL DEFAULT 'none'
                       CHECK (overdue_notice IN ('none', 'email', 'sms', 'letter')),
    hold_ready_notice  text NOT NULL DEFAULT 'none'
                       CHECK (hold_ready_notice IN ('none', 'email', 'sms', 'letter')),
    created_at         timestamptz NOT NULL,
    created_by         text NOT NULL,
    modified_at        timestamptz NOT NULL,
    modified_by        text NOT NULL,
    last_card_activity date,
    CONSTRAINT patrons_card_number_key UNIQUE (card_number),
    CONSTRAINT patrons_hetu_index_key UNIQUE (hetu_index),
    CONSTRAINT patrons_person_identity CHECK (
        kind <> 'person' OR (hetu_key_id IS NOT NULL AND hetu_ciphertext IS NOT NULL
            AND hetu_index_key_id IS NOT NULL AND hetu_index IS NOT NULL
            AND birth_date IS NOT NULL AND surname IS NOT NULL AND given_names IS NOT NULL
            AND organisation_name IS NULL)),
    CONSTRAINT patrons_organisation_identity CHECK (
        kind <> 'organisation' OR (hetu_ciphertext IS NULL AND hetu_index IS NULL
            AND birth_date IS NULL AND surname IS NULL AND given_names IS NULL
            AND organisation_name IS NOT NULL)),
    CONSTRAINT patrons_address_whole CHECK (
        (street_address IS NULL) = (postal_code IS NULL)
        AND (street_address IS NULL) = (post_office IS NULL)
        AND (street_address IS NULL) = (country IS NULL))
);

-- A guardian (huoltaja) of a ward under 15. Whether it is in force is computed from the ward's
-- birth date on the day asked; rows outlive the 15th birthday until retention removes them.
CREATE TABLE guardianships (
    ward_id     bigint NOT NULL REFERENCES patrons (id) ON DELETE CASCADE,
    guardian_id bigint NOT NULL REFERENCES patrons (id) ON DELETE RESTRICT,
    created_at  timestamptz NOT NULL,
    created_by  text NOT NULL,
    PRIMARY KEY (ward_id, guardian_id),
    CHECK (ward_id <> guardian_id)
);
CREATE INDEX guardianships_guardian ON guardianships (guardian_id);

-- The responsible person (vastuuhenkilö) of an organisation customer.
CREATE TABLE organisation_contacts (
    organisation_id bigint PRIMARY KEY REFERENCES patrons (id) ON DELETE CASCADE,
    person_id       bigint NOT NULL REFERENCES patrons (id) ON DELETE RESTRICT,
    created_at      timestamptz NOT NULL,
    created_by      text NOT NULL,
    CHECK (organisation_id <> person_id)
);
CREATE INDEX organisation_contacts_person ON organisation_contacts (person_id);

-- Who read or changed whose data, and why; never the data. Entries are appended unsealed by the
-- transaction doing the work (no contention between writers) and later sealed into a SHA-256
-- hash chain in seal_no order (AuditLog::seal). patron_id has no foreign key: the entry outlives
-- the patron.
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    role      text NOT NULL,
    action    text NOT NULL,
    patron_id bigint,
    purpose   text NOT NULL,
    fields    text[] NOT NULL DEFAULT '{}',
    seal_no   bigint UNIQUE,
    prev_hash bytea,
    hash      bytea,
    CHECK ((seal_no IS NULL) = (hash IS NULL) AND (seal_no IS NULL) = (prev_hash IS NULL))
);
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seal_no IS NULL;
CREATE INDEX audit_log_patron ON audit_log (patron_id) WHERE patron_id IS NOT NULL;

-- The last sealed entry; a cut-off tail of the chain no longer matches it.
CREATE TABLE audit_chain_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seal_no   bigint NOT NULL,
    hash      bytea NOT NULL
);
INSERT INTO audit_chain_head (seal_no, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

-- Append-only: an entry's content never changes, sealing only fills the chain fields once, and
-- nothing is deleted through the register. (Tampering by a superuser who disables this is what
-- the hash chain detects.)
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seal_no IS NULL AND NEW.seal_no IS NOT NULL
       AND (NEW.id, NEW.at, NEW.actor, NEW.role, NEW.action, NEW.patron_id, NEW.purpose, NEW.fields)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor, OLD.role, OLD.action, OLD.patron_id, OLD.purpose, OLD.fields)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The head only moves forward: moving it back to hide a cut-off tail takes disabling this too.
CREATE FUNCTION audit_chain_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.seal_no > OLD.seal_no THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_chain_head only moves forward' USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE OR DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward();
CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_forward();
