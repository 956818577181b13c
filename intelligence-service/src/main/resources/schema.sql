-- LTO intelligence store (DuckDB). One process writes this file (ADR 0002).
-- simulation_jobs and tradeoff_predictions / model_registry follow the seed architecture §5 exactly.

CREATE TABLE IF NOT EXISTS simulation_jobs (
    job_id          VARCHAR PRIMARY KEY,
    submitted_at    TIMESTAMP NOT NULL,
    completed_at    TIMESTAMP,
    status          VARCHAR NOT NULL,
    submitted_by    VARCHAR,
    job_class       INTEGER,
    adapter_type    VARCHAR NOT NULL,
    simulator_version VARCHAR,
    na              DOUBLE,
    wavelength_nm   DOUBLE,
    dose_mj_cm2     DOUBLE,
    sigma           DOUBLE,
    resist_thickness_nm DOUBLE,
    grid_size_nm    DOUBLE,
    use_ai_surrogate BOOLEAN,
    pattern_complexity VARCHAR,
    resolution_nm   DOUBLE,
    depth_of_focus_nm DOUBLE,
    pattern_fidelity DOUBLE,
    compute_time_s  DOUBLE,
    speed_vs_accuracy DOUBLE,
    resolution_vs_dof DOUBLE,
    cost_vs_fidelity  DOUBLE,
    surrogate_reliability DOUBLE,
    yield_risk        DOUBLE,
    overall_health    DOUBLE
);

-- The owner of the API key that submitted the job (null with auth off, for ingested results and for
-- jobs stored before it was recorded): with a submitter key only that owner may cancel it (docs/security.md).
ALTER TABLE simulation_jobs ADD COLUMN IF NOT EXISTS key_owner VARCHAR;

-- The full submitted parameters (priority, constraint profile, metadata are not seed columns),
-- and the event that brought them, so a job can be re-driven after a restart.
CREATE TABLE IF NOT EXISTS job_submissions (
    job_id          VARCHAR PRIMARY KEY,
    parameters      JSON NOT NULL,
    event_id        VARCHAR NOT NULL,
    received_at     TIMESTAMP NOT NULL
);

-- Every transition, timestamped; also the outbox of lto.events (published = false until the
-- event was accepted by the stream). event id = job_id || '/' || seq, so consumers deduplicate.
CREATE TABLE IF NOT EXISTS job_state_history (
    job_id          VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,
    from_state      VARCHAR,
    to_state        VARCHAR NOT NULL,
    changed_at      TIMESTAMP NOT NULL,
    reason          VARCHAR,
    published       BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (job_id, seq)
);
-- W3C trace headers ({"traceparent": ...}) of the work that made the transition, so the event the
-- outbox publishes later carries the job's trace (docs/tracing.md); null without the tracing agent.
ALTER TABLE job_state_history ADD COLUMN IF NOT EXISTS trace_context JSON;

-- A submission that reused a known job_id with different parameters (a client reusing its own id,
-- or a collision of generated 8-hex ids). It is kept here, not processed, and counted in
-- lto_jobs_submission_conflicts_total; GET /api/v1/jobs/{id} reports how many a job has.
CREATE TABLE IF NOT EXISTS job_submission_conflicts (
    event_id        VARCHAR PRIMARY KEY,
    job_id          VARCHAR NOT NULL,
    parameters      JSON NOT NULL,
    received_at     TIMESTAMP NOT NULL
);
