-- The durable inbox of steppay-webhook (PostgreSQL).
-- One row per distinct verified delivery, written before any handler runs.
CREATE TABLE steppay_inbox_deliveries (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- SHA-256 (hex) of the event name and the exact `data` bytes: the duplicate key.
    fingerprint         TEXT        NOT NULL UNIQUE,
    event_name          TEXT,
    is_test             BOOLEAN,
    -- The `timestamp` of the Steppay-Signature header that verified the body.
    signature_timestamp BIGINT      NOT NULL,
    received_at         TIMESTAMPTZ NOT NULL,
    -- The raw request body, byte for byte as received.
    body                BYTEA       NOT NULL,
    resource_kind       TEXT,
    resource_id         TEXT,
    as_of               TIMESTAMPTZ,
    status              TEXT        NOT NULL
        CHECK (status IN ('pending', 'processed', 'stale', 'dead', 'unreadable')),
    attempts            INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at     TIMESTAMPTZ,
    locked_until        TIMESTAMPTZ,
    lease_token         BIGINT,
    last_error          TEXT,
    processed_at        TIMESTAMPTZ,
    duplicates          INTEGER     NOT NULL DEFAULT 0,
    last_duplicate_at   TIMESTAMPTZ,
    replays             INTEGER     NOT NULL DEFAULT 0,
    CHECK ((resource_kind IS NULL) = (resource_id IS NULL)),
    CHECK (resource_kind IS NULL OR as_of IS NOT NULL)
);

-- Due work, and the head of each resource's queue.
CREATE INDEX steppay_inbox_deliveries_due
    ON steppay_inbox_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX steppay_inbox_deliveries_queue
    ON steppay_inbox_deliveries (resource_kind, resource_id, as_of, id) WHERE status = 'pending';
-- Operations: by status, event name and resource, newest first.
CREATE INDEX steppay_inbox_deliveries_status ON steppay_inbox_deliveries (status, id);
CREATE INDEX steppay_inbox_deliveries_event ON steppay_inbox_deliveries (event_name, id);
CREATE INDEX steppay_inbox_deliveries_resource
    ON steppay_inbox_deliveries (resource_kind, resource_id, id);

-- One row per resource: the newest as-of time applied, and the lease that lets one worker at
-- a time process a delivery of this resource.
CREATE TABLE steppay_inbox_resources (
    kind             TEXT NOT NULL,
    id               TEXT NOT NULL,
    applied_as_of    TIMESTAMPTZ,
    applied_delivery BIGINT,
    locked_until     TIMESTAMPTZ,
    lease_token      BIGINT,
    PRIMARY KEY (kind, id)
);
