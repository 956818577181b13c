-- The job pipeline beyond intake (docs/pipeline.md). Seed tables stay exact; what the seed has no
-- column for lives here, keyed by job_id.

-- Scheduling state of a job that passed preflight: priority rank, when it was queued (for aging),
-- the earliest time it may be dispatched (retry back-off), the current attempt and where it went.
CREATE TABLE IF NOT EXISTS job_dispatch (
    job_id          VARCHAR PRIMARY KEY,
    priority        INTEGER NOT NULL,
    queued_at       TIMESTAMP NOT NULL,
    not_before      TIMESTAMP NOT NULL,
    attempt         INTEGER NOT NULL,
    device_class    VARCHAR,
    dispatched_at   TIMESTAMP,
    last_error      VARCHAR
);

-- The preflight decision: the full prediction (seed §3.4 shape), whether the gate blocked the job,
-- why, what it did not block on, and the alternatives offered (closest first).
CREATE TABLE IF NOT EXISTS preflight_decisions (
    job_id          VARCHAR PRIMARY KEY,
    prediction_id   VARCHAR NOT NULL,
    decided_at      TIMESTAMP NOT NULL,
    blocked         BOOLEAN NOT NULL,
    prediction      JSON NOT NULL,
    block_reasons   JSON,
    unconfirmed     JSON,   -- predicted violations too uncertain to block on
    alternatives    JSON
);
-- Added after the table first shipped: a file created before gets the column on start.
ALTER TABLE preflight_decisions ADD COLUMN IF NOT EXISTS unconfirmed JSON;

-- The simulation result a job was evaluated on (ours or ingested), as the adapter returned it.
CREATE TABLE IF NOT EXISTS simulation_results (
    job_id          VARCHAR PRIMARY KEY,
    attempt         INTEGER,
    source          VARCHAR NOT NULL,
    worker          VARCHAR NOT NULL,
    received_at     TIMESTAMP NOT NULL,
    result          JSON NOT NULL
);

-- Actual against predicted, per signal, and the verdict.
CREATE TABLE IF NOT EXISTS job_evaluations (
    job_id          VARCHAR PRIMARY KEY,
    evaluated_at    TIMESTAMP NOT NULL,
    anomaly         BOOLEAN NOT NULL,
    signals_inside  INTEGER NOT NULL,
    evaluation      JSON NOT NULL
);

-- Engineer review decisions (who, when, note); the state history holds the same transitions.
CREATE TABLE IF NOT EXISTS job_reviews (
    job_id          VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,
    action          VARCHAR NOT NULL,
    reviewer        VARCHAR NOT NULL,
    note            VARCHAR,
    reviewed_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Completed simulations waiting to feed the next retraining (features are recomputed from the
-- parameters at training time, so only parameters and truths are kept).
CREATE TABLE IF NOT EXISTS training_buffer (
    job_id          VARCHAR PRIMARY KEY,
    added_at        TIMESTAMP NOT NULL,
    adapter_type    VARCHAR NOT NULL,
    simulator_version VARCHAR,
    parameters      JSON NOT NULL,
    signals         JSON NOT NULL,
    k1              DOUBLE,
    anomaly         BOOLEAN NOT NULL
);
-- The physical intermediates the job's signals were composed from (SignalIntermediates, physical units),
-- so that a retrain can train the structured learners on the job (docs/ml.md §13); null when the adapter
-- does not compose its signals from them (ingested results of other simulators). Added after the table
-- first shipped: a file created before gets the column on start, its older rows stay null (held out).
ALTER TABLE training_buffer ADD COLUMN IF NOT EXISTS intermediates DOUBLE[];

-- Live model performance per UTC day, model version and signal ('all': the six signals' pairs together):
-- completed jobs' simulated signals against their preflight predictions (docs/ml.md §7, LivePerformance).
-- Recomputed from job_evaluations and replaced row by row, so a refresh is idempotent and a restart
-- loses nothing. critical_accuracy is NULL on a day without critical jobs.
CREATE TABLE IF NOT EXISTS model_live_performance_daily (
    day                 DATE NOT NULL,
    model_version       VARCHAR NOT NULL,
    signal              VARCHAR NOT NULL,
    jobs                INTEGER NOT NULL,
    critical_jobs       INTEGER NOT NULL,
    accuracy            DOUBLE NOT NULL,
    critical_accuracy   DOUBLE,
    coverage            DOUBLE NOT NULL,
    mean_interval_width DOUBLE NOT NULL,
    mae                 DOUBLE,
    updated_at          TIMESTAMP NOT NULL,
    PRIMARY KEY (day, model_version, signal)
);
