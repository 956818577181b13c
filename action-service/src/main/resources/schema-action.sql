-- action-service's own store (data/action.duckdb). Only action-service opens this file.

-- The seed's alerts table (§5), column for column, then what dedup and routing need:
-- fingerprint/occurrences/last_seen_at (one open alert per fingerprint, repeats counted),
-- source (lto.events | system | lto.alerts | alertmanager: imported alerts are never pushed back),
-- service (the service the alert is about or came from) and ack_note (the acknowledger's note).
CREATE TABLE IF NOT EXISTS alerts (
    alert_id        VARCHAR PRIMARY KEY,
    fired_at        TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    resolved_at     TIMESTAMP,
    severity        VARCHAR NOT NULL,  -- INFO, WARN, CRITICAL, EMERGENCY
    job_id          VARCHAR,
    alert_type      VARCHAR NOT NULL,
    message         TEXT,
    recommendation  TEXT,
    acknowledged_by VARCHAR,
    was_actionable  BOOLEAN,           -- engineer feedback
    fingerprint     VARCHAR NOT NULL,
    occurrences     INTEGER NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    source          VARCHAR NOT NULL,
    service         VARCHAR,
    ack_note        VARCHAR
);

-- Source events already applied (stream event ids, webhook alert keys): redelivery changes nothing.
CREATE TABLE IF NOT EXISTS alert_sources (
    source_id       VARCHAR PRIMARY KEY,
    alert_id        VARCHAR,
    processed_at    TIMESTAMP NOT NULL
);

-- Alert changes Alertmanager has not acknowledged yet (durable outbox, retried with back-off).
CREATE SEQUENCE IF NOT EXISTS alertmanager_outbox_seq;
CREATE TABLE IF NOT EXISTS alertmanager_outbox (
    seq             BIGINT PRIMARY KEY DEFAULT nextval('alertmanager_outbox_seq'),
    alert_id        VARCHAR NOT NULL,
    change          VARCHAR NOT NULL,  -- FIRED, RESOLVED
    enqueued_at     TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error      VARCHAR
);

-- API keys (docs/security.md): the registry every service's key checks come from. Only the key's
-- HMAC-SHA-256 under the server secret is kept; the verification view (hmac -> id, role, owner, expiry,
-- revocation) is published to the Redis hash lto:auth:keys, and last use comes back from lto:auth:last-used.
CREATE TABLE IF NOT EXISTS api_keys (
    id           VARCHAR PRIMARY KEY,
    hmac         VARCHAR NOT NULL UNIQUE,
    role         VARCHAR NOT NULL,     -- viewer, submitter, engineer, admin
    owner        VARCHAR NOT NULL,     -- who acts: requested_by / acknowledged_by / reviewer
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP
);

-- Every job state event received on lto.events, once per (job_id, seq) however often it is delivered
-- (at-least-once streams, an outbox that may publish again after a crash): the action layer's durable
-- record of the pipeline, which the durability test compares with intelligence's job_state_history.
CREATE TABLE IF NOT EXISTS job_state_events (
    job_id          VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,
    event_id        VARCHAR NOT NULL,
    from_state      VARCHAR,
    to_state        VARCHAR NOT NULL,
    changed_at      TIMESTAMP NOT NULL,  -- when the job changed state (the producer's clock, UTC)
    received_at     TIMESTAMP NOT NULL,  -- when this service first stored it (UTC)
    PRIMARY KEY (job_id, seq)
);
