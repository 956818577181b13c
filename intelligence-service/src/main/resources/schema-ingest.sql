-- Data ingested from outside LTO (POST /ingest/metrics and /ingest/yield at the edge, consumed from
-- lto.ingest.metrics and lto.ingest.yield). Keyed by the producer's event id, so a redelivered or
-- retried message is stored once. No foreign key to simulation_jobs on purpose: a measurement may
-- arrive before its job, and joins by job_id once the job is there.

CREATE TABLE IF NOT EXISTS metric_snapshots (
    event_id        VARCHAR PRIMARY KEY,
    job_id          VARCHAR NOT NULL,
    snapshot_at     TIMESTAMP NOT NULL,
    adapter_type    VARCHAR NOT NULL,
    stage           VARCHAR NOT NULL,
    progress        DOUBLE NOT NULL,
    elapsed_s       DOUBLE NOT NULL,
    gpu_utilization DOUBLE,
    memory_bytes    BIGINT,
    metrics         JSON NOT NULL,
    received_at     TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS metric_snapshots_job ON metric_snapshots (job_id);

CREATE TABLE IF NOT EXISTS wafer_yields (
    event_id        VARCHAR PRIMARY KEY,
    job_id          VARCHAR NOT NULL,
    yield_fraction  DOUBLE NOT NULL,
    wafer_id        VARCHAR,
    lot_id          VARCHAR,
    measured_at     TIMESTAMP NOT NULL,
    received_at     TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS wafer_yields_job ON wafer_yields (job_id);
