-- MotorDesk server schema, version 1: the same data as the redb file, with the rules
-- the server relies on written as constraints. Rows are the server's JSON (bytea: the
-- exact bytes, and no jsonb refusal of "\u0000" in a cashier's text).

-- Registered kiosks. The kiosk number decides the series (F001, B001, ...), so its
-- uniqueness is what keeps two kiosks from ever owning one series.
CREATE TABLE devices (
    device_id    uuid PRIMARY KEY,
    kiosk_number integer NOT NULL UNIQUE CHECK (kiosk_number BETWEEN 1 AND 99),
    token_hash   text NOT NULL UNIQUE,
    body         bytea NOT NULL
);

-- Which kiosk owns each series; a document number can only be stored for its owner.
CREATE TABLE series_owners (
    series    text PRIMARY KEY,
    device_id uuid NOT NULL REFERENCES devices (device_id),
    UNIQUE (series, device_id)
);

-- Every applied idempotency key: a mutation is applied at most once.
CREATE TABLE applied_keys (
    idempotency_key uuid PRIMARY KEY,
    device_id       uuid NOT NULL REFERENCES devices (device_id),
    body            bytea NOT NULL
);

-- The current version of each record.
CREATE TABLE records (
    kind      smallint NOT NULL,
    record_id uuid NOT NULL,
    body      bytea NOT NULL,
    PRIMARY KEY (kind, record_id)
);

-- The change feed. Numbers come from feed_tail, whose single row every appending
-- transaction updates (and so locks) just before it commits: feed numbers are handed
-- out in commit order and a reader never sees N+1 before N (docs/sync-protocol.md).
CREATE TABLE feed_tail (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    seq      bigint NOT NULL
);
INSERT INTO feed_tail (only_row, seq) VALUES (true, 0);

CREATE TABLE changes (
    seq    bigint PRIMARY KEY,
    origin uuid NOT NULL,
    body   bytea NOT NULL
);

-- Each document number exists once, belongs to one document, and only to the kiosk
-- that owns its series.
CREATE TABLE invoice_numbers (
    number     text PRIMARY KEY,
    series     text NOT NULL,
    device_id  uuid NOT NULL,
    invoice_id uuid NOT NULL UNIQUE,
    CHECK (number LIKE series || '-%'),
    FOREIGN KEY (series, device_id) REFERENCES series_owners (series, device_id)
);

CREATE TABLE notes_by_original (
    original uuid NOT NULL,
    note     uuid NOT NULL,
    PRIMARY KEY (original, note)
);

-- Each pushed document's SUNAT state; due_ms/void_due_ms are the dispatcher's queues.
CREATE TABLE fiscal (
    invoice_id  uuid PRIMARY KEY,
    due_ms      bigint,
    void_due_ms bigint,
    body        bytea NOT NULL
);
CREATE INDEX fiscal_due ON fiscal (due_ms, invoice_id) WHERE due_ms IS NOT NULL;
CREATE INDEX fiscal_void_due ON fiscal (void_due_ms, invoice_id) WHERE void_due_ms IS NOT NULL;

CREATE TABLE users (
    username text PRIMARY KEY,
    body     bytea NOT NULL
);

CREATE TABLE sessions (
    token_hash text PRIMARY KEY,
    body       bytea NOT NULL
);

-- Escrow keys, sealed with the server key (which is not in the database).
CREATE TABLE escrows (
    device_id uuid PRIMARY KEY REFERENCES devices (device_id),
    sealed    bytea NOT NULL
);

CREATE TABLE enrollment_codes (
    code_hash text PRIMARY KEY,
    body      bytea NOT NULL
);

-- Failed logins and enrollment codes per key, shared by every server instance.
CREATE TABLE throttle (
    key     text PRIMARY KEY,
    last_ms bigint NOT NULL,
    body    bytea NOT NULL
);
CREATE INDEX throttle_last ON throttle (last_ms);
