-- Circulation as the register keeps it: items (the minimum: barcode, title, material type),
-- loans, holds, fees, invoices, loan bans, the message outbox, and the loan history of
-- home-service customers who consented to it.

-- A patron category (the library's: adult, child, home_service, ...) decides loan periods with
-- the material type (loan_rules).
ALTER TABLE patrons ADD COLUMN category text NOT NULL DEFAULT 'adult'
    CHECK (category ~ '^[a-z][a-z0-9_]{0,31}$');
UPDATE patrons SET category = 'organisation' WHERE kind = 'organisation';

CREATE TABLE items (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    barcode       text NOT NULL UNIQUE,
    title         text NOT NULL,
    material_type text NOT NULL CHECK (material_type ~ '^[a-z][a-z0-9_]{0,31}$')
);

-- Loan period and renewals by material type and patron category; '*' matches any. The most
-- specific row wins: (type, category), (type, *), (*, category), (*, *).
CREATE TABLE loan_rules (
    material_type   text NOT NULL,
    patron_category text NOT NULL,
    loan_days       integer NOT NULL CHECK (loan_days BETWEEN 1 AND 365),
    max_renewals    integer NOT NULL CHECK (max_renewals BETWEEN 0 AND 100),
    PRIMARY KEY (material_type, patron_category)
);
INSERT INTO loan_rules VALUES ('*', '*', 28, 5);

-- A loan. patron_id is cleared on return: without loan-history consent nothing of a returned loan
-- stays linked to the patron.
CREATE TABLE loans (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patron_id      bigint REFERENCES patrons (id) ON DELETE RESTRICT,
    item_id        bigint NOT NULL REFERENCES items (id),
    checked_out_at timestamptz NOT NULL,
    checked_out_by text NOT NULL,
    due_on         date NOT NULL,
    renewals       integer NOT NULL DEFAULT 0 CHECK (renewals >= 0),
    returned_at    timestamptz,
    returned_by    text,
    CHECK ((returned_at IS NULL) = (returned_by IS NULL)),
    CHECK (returned_at IS NOT NULL OR patron_id IS NOT NULL)
);
CREATE UNIQUE INDEX loans_item_on_loan ON loans (item_id) WHERE returned_at IS NULL;
CREATE INDEX loans_patron ON loans (patron_id) WHERE patron_id IS NOT NULL;
CREATE INDEX loans_due ON loans (due_on) WHERE returned_at IS NULL;

CREATE TABLE holds (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patron_id bigint NOT NULL REFERENCES patrons (id) ON DELETE CASCADE,
    item_id   bigint NOT NULL REFERENCES items (id),
    placed_at timestamptz NOT NULL,
    placed_by text NOT NULL,
    status    text NOT NULL DEFAULT 'placed'
              CHECK (status IN ('placed', 'ready', 'fulfilled', 'cancelled', 'expired')),
    ready_at  timestamptz,
    pickup_by date,
    closed_at timestamptz,
    closed_by text,
    CHECK ((closed_at IS NULL) = (status IN ('placed', 'ready'))),
    CHECK ((closed_by IS NULL) = (closed_at IS NULL)),
    CHECK (status <> 'ready' OR (ready_at IS NOT NULL AND pickup_by IS NOT NULL))
);
CREATE UNIQUE INDEX holds_one_open_per_patron_item ON holds (patron_id, item_id)
    WHERE status IN ('placed', 'ready');
CREATE INDEX holds_item_open ON holds (item_id) WHERE status IN ('placed', 'ready');
CREATE INDEX holds_patron ON holds (patron_id);
-- Expiring holds not picked up finds them without reading the closed ones.
CREATE INDEX holds_ready ON holds (pickup_by) WHERE status = 'ready';

-- Invoices group unpaid fees; the number is what the billing unit and the patron see.
CREATE SEQUENCE invoice_numbers;
CREATE TABLE invoices (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patron_id   bigint NOT NULL REFERENCES patrons (id) ON DELETE RESTRICT,
    number      text NOT NULL UNIQUE,
    issued_on   date NOT NULL,
    due_on      date NOT NULL CHECK (due_on >= issued_on),
    total_cents bigint NOT NULL CHECK (total_cents > 0),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'cancelled')),
    created_at  timestamptz NOT NULL,
    created_by  text NOT NULL,
    closed_at   timestamptz,
    closed_by   text,
    CHECK ((closed_at IS NULL) = (status = 'open'))
);
CREATE INDEX invoices_patron ON invoices (patron_id);

ALTER TABLE fees
    ADD COLUMN item_id bigint REFERENCES items (id),
    ADD COLUMN description text,
    ADD COLUMN paid_by text,
    ADD COLUMN cancelled_by text,
    ADD COLUMN invoice_id bigint REFERENCES invoices (id),
    ADD CONSTRAINT fees_paid_whole CHECK ((paid_at IS NULL) = (paid_by IS NULL)),
    ADD CONSTRAINT fees_cancelled_whole CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL));
CREATE INDEX fees_invoice ON fees (invoice_id) WHERE invoice_id IS NOT NULL;

-- The message outbox: notices generated per the patron's channel, drained by a sender. Rows name
-- the patron and what the notice is about; the sender reads the address when it sends.
CREATE TABLE messages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patron_id  bigint NOT NULL REFERENCES patrons (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('due_date_reminder', 'overdue_notice', 'hold_ready')),
    channel    text NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
    loan_id    bigint REFERENCES loans (id) ON DELETE SET NULL,
    hold_id    bigint REFERENCES holds (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    claimed_at timestamptz,  -- a sender's lease on the row starts here
    sent_at    timestamptz,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
-- One notice of a kind per loan or hold: generating twice sends nothing twice. The loan or hold
-- leads, so these also serve finding a loan's notices (on return, and ON DELETE SET NULL).
CREATE UNIQUE INDEX messages_once_per_loan ON messages (loan_id, kind) WHERE loan_id IS NOT NULL;
CREATE UNIQUE INDEX messages_once_per_hold ON messages (hold_id, kind) WHERE hold_id IS NOT NULL;
CREATE INDEX messages_pending ON messages (id) WHERE status = 'pending';
CREATE INDEX messages_patron ON messages (patron_id);

-- Loan-history consent of a home-service customer (kotipalveluasiakas), and the history kept
-- while it is in force. Withdrawing the consent deletes the history.
CREATE TABLE loan_history_consents (
    patron_id  bigint PRIMARY KEY REFERENCES patrons (id) ON DELETE CASCADE,
    granted_at timestamptz NOT NULL,
    granted_by text NOT NULL,
    method     text NOT NULL CHECK (method IN ('written', 'verbal', 'electronic'))
);

-- History references the consent, not just the patron: no entry can be written without one (an
-- insert racing a withdrawal waits for it, then fails), and removing the consent removes them.
CREATE TABLE loan_history (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patron_id      bigint NOT NULL REFERENCES loan_history_consents (patron_id) ON DELETE CASCADE,
    barcode        text NOT NULL,
    title          text NOT NULL,
    material_type  text NOT NULL,
    checked_out_at timestamptz NOT NULL,
    returned_at    timestamptz NOT NULL
);
CREATE INDEX loan_history_patron ON loan_history (patron_id, returned_at);
