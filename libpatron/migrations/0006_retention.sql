-- Retention (DESIGN.md §6): what the nightly runs did, and the purge of old audit entries.

-- One row per `patronctl retention run`. No personal data: who started a run is in the audit log.
-- A run that was killed stays 'running' until a later run finds its heartbeat stale and marks it
-- 'abandoned'.
CREATE TABLE retention_runs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at     timestamptz NOT NULL,
    heartbeat_at   timestamptz NOT NULL,
    finished_at    timestamptz,
    status         text NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'finished', 'interrupted', 'abandoned')),
    policy_sha256  bytea NOT NULL CHECK (octet_length(policy_sha256) = 32),
    CHECK ((finished_at IS NULL) = (status IN ('running', 'abandoned')))
);
CREATE INDEX retention_runs_running ON retention_runs (heartbeat_at) WHERE status = 'running';

-- What each rule of a run did (written when the rule is done).
CREATE TABLE retention_run_rules (
    run_id           bigint NOT NULL REFERENCES retention_runs (id) ON DELETE CASCADE,
    rule             text NOT NULL,
    action           text NOT NULL,
    records          bigint NOT NULL CHECK (records >= 0),
    batches          bigint NOT NULL CHECK (batches >= 0),
    longest_batch_ms bigint NOT NULL CHECK (longest_batch_ms >= 0),
    PRIMARY KEY (run_id, rule)
);

-- The last checkout or return of the patron: activity that inactive-patron erasure counts from,
-- kept on the patron because returned loans lose their link to the borrower.
ALTER TABLE patrons ADD COLUMN last_loan_on date;
UPDATE patrons p SET last_loan_on = (
    SELECT max(coalesce(l.returned_at, l.checked_out_at))::date FROM loans l WHERE l.patron_id = p.id);

-- Legal holds are evaluated per candidate row; these keep them index lookups, not scans.
-- The last borrower of an item (damage claims): the newest loan of an item.
CREATE INDEX loans_item_history ON loans (item_id, checked_out_at);
-- Patrons under processing restriction (GDPR art. 18): few, read once per batch.
CREATE INDEX patrons_restricted ON patrons (id) WHERE processing_restricted_at IS NOT NULL;
-- Erasing a patron deletes their settled fees and ended bans too: the partial indexes on these
-- two tables cover only open fees and bans in force.
CREATE INDEX fees_patron ON fees (patron_id);
CREATE INDEX loan_bans_patron_all ON loan_bans (patron_id);

-- Erases patrons whose legal holds the caller has checked with their rows locked: what the
-- foreign keys do not cascade first (current loans, unpaid fees, open invoices and guardianships
-- of wards under 15 are legal holds, so only returned loans, settled fees, closed invoices and
-- guardianships of wards 15 or older are left), then the patrons, which cascades holds,
-- messages, loan bans, PIN, sessions, consent and loan history, guardianships as ward and an
-- organisation's contact. Returns the ids erased. All at once when no other transaction holds a
-- linked row; otherwise one by one, skipping a patron whose rows stay locked past lock_timeout
-- (the next run erases them), so a batch never waits long holding its own locks.
CREATE FUNCTION retention_erase_patrons(ids bigint[]) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    erased bigint[] := '{}';
    one bigint;
BEGIN
    BEGIN
        UPDATE loans SET patron_id = NULL WHERE patron_id = ANY(ids);
        DELETE FROM fees WHERE patron_id = ANY(ids);
        DELETE FROM invoices WHERE patron_id = ANY(ids);
        DELETE FROM guardianships WHERE guardian_id = ANY(ids);
        DELETE FROM patrons WHERE id = ANY(ids);
        RETURN ids;
    EXCEPTION WHEN lock_not_available THEN
        NULL;
    END;
    FOREACH one IN ARRAY ids LOOP
        BEGIN
            UPDATE loans SET patron_id = NULL WHERE patron_id = one;
            DELETE FROM fees WHERE patron_id = one;
            DELETE FROM invoices WHERE patron_id = one;
            DELETE FROM guardianships WHERE guardian_id = one;
            DELETE FROM patrons WHERE id = one;
            erased := erased || one;
        EXCEPTION WHEN lock_not_available THEN
            NULL;
        END;
    END LOOP;
    RETURN erased;
END $$;

-- Purging old audit entries cuts a prefix off the hash chain. The chain then starts after the
-- last purged entry, whose position and hash are kept here, so verification still proves that
-- every remaining entry is unaltered and none is missing. The start only moves forward, never
-- past the head, and only entries up to it may be deleted: anything else stays append-only.
CREATE TABLE audit_chain_start (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seal_no   bigint NOT NULL,
    hash      bytea NOT NULL
);
INSERT INTO audit_chain_start (seal_no, hash) VALUES (0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit_chain_start_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.seal_no > OLD.seal_no
       AND NEW.seal_no <= (SELECT seal_no FROM audit_chain_head) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_chain_start only moves forward, up to the head'
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_chain_start_forward BEFORE UPDATE OR DELETE ON audit_chain_start
    FOR EACH ROW EXECUTE FUNCTION audit_chain_start_forward();
CREATE TRIGGER audit_chain_start_no_truncate BEFORE TRUNCATE ON audit_chain_start
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_start_forward();

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
    IF TG_OP = 'DELETE' AND OLD.seal_no <= (SELECT seal_no FROM audit_chain_start) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
