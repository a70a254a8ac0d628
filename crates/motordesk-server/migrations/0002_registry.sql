-- MotorDesk server schema, version 2: the registry of a chain of shops. Only in the
-- default shop's schema (public); each registered shop's own tables are schema
-- shop_<id>, made by migration 0001 alone (docs/deployment.md, "Tenants").

-- The shops of the chain (the default shop, id 0, is this schema and not listed).
CREATE TABLE shops (
    shop_id       integer PRIMARY KEY CHECK (shop_id BETWEEN 1 AND 200),
    ruc           text NOT NULL CHECK (ruc ~ '^[0-9]{11}$'),
    establishment text NOT NULL CHECK (establishment ~ '^[0-9]{4}$'),
    body          bytea NOT NULL,
    UNIQUE (ruc, establishment)
);

-- Which tenant shop a device is registered in: a login names only its device.
CREATE TABLE device_shops (
    device_id uuid PRIMARY KEY,
    shop_id   integer NOT NULL REFERENCES shops (shop_id)
);

-- Kiosk numbers (and so series) across the whole chain: two establishments of one RUC
-- must never both issue B001. The default shop's kiosks are carried over.
CREATE TABLE kiosk_numbers (
    kiosk_number integer PRIMARY KEY CHECK (kiosk_number BETWEEN 1 AND 99),
    shop_id      integer NOT NULL,
    device_id    uuid NOT NULL UNIQUE
);
INSERT INTO kiosk_numbers (kiosk_number, shop_id, device_id)
    SELECT kiosk_number, 0, device_id FROM devices;

-- Owner accounts (several shops each) and their sessions.
CREATE TABLE owners (
    name text PRIMARY KEY,
    body bytea NOT NULL
);

CREATE TABLE owner_sessions (
    token_hash text PRIMARY KEY,
    body       bytea NOT NULL
);
