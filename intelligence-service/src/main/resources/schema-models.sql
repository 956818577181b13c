-- Tradeoff engine tables (seed architecture §5, columns exactly as the seed).

CREATE TABLE IF NOT EXISTS tradeoff_predictions (
    prediction_id   VARCHAR PRIMARY KEY,
    job_id          VARCHAR,
    predicted_at    TIMESTAMP NOT NULL,
    prediction_type VARCHAR,
    model_version   VARCHAR NOT NULL,
    pred_speed_vs_accuracy DOUBLE,
    ci_speed_low    DOUBLE,
    ci_speed_high   DOUBLE,
    pred_yield_risk DOUBLE,
    ci_yield_low    DOUBLE,
    ci_yield_high   DOUBLE,
    pred_overall_health DOUBLE,
    high_uncertainty BOOLEAN,
    recommend_physics BOOLEAN,
    inference_time_ms DOUBLE
);

CREATE TABLE IF NOT EXISTS model_registry (
    model_id        VARCHAR PRIMARY KEY,
    version         VARCHAR NOT NULL,
    trained_at      TIMESTAMP NOT NULL,
    deployed_at     TIMESTAMP,
    retired_at      TIMESTAMP,
    status          VARCHAR,
    training_samples INTEGER,
    overall_accuracy DOUBLE,
    critical_accuracy DOUBLE,
    artifact_path   VARCHAR NOT NULL
);

-- Training campaigns (Latin-hypercube designs run through the physics simulator) and their jobs.
CREATE TABLE IF NOT EXISTS training_campaigns (
    campaign_id     VARCHAR PRIMARY KEY,
    created_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    status          VARCHAR NOT NULL,   -- RUNNING, FINISHED, FAILED
    sampler         VARCHAR NOT NULL,
    seed            BIGINT NOT NULL,
    planned_samples INTEGER NOT NULL,
    critical_target DOUBLE,
    adapter_type    VARCHAR NOT NULL,
    simulator_version VARCHAR,
    samples         INTEGER,
    critical_share  DOUBLE,
    config          JSON
);

CREATE TABLE IF NOT EXISTS training_samples (
    campaign_id     VARCHAR NOT NULL,
    sample_idx      INTEGER NOT NULL,
    job_id          VARCHAR NOT NULL,
    stratum         VARCHAR NOT NULL,   -- base, critical-topup
    split           VARCHAR,            -- TRAIN, CALIBRATION, VALIDATION, TEST
    parameters      JSON NOT NULL,
    na              DOUBLE,
    wavelength_nm   DOUBLE,
    dose_mj_cm2     DOUBLE,
    sigma           DOUBLE,
    resist_thickness_nm DOUBLE,
    grid_size_nm    DOUBLE,
    pattern_complexity VARCHAR,
    use_ai_surrogate BOOLEAN,
    job_class       INTEGER,
    k1              DOUBLE,
    resolution_nm   DOUBLE,
    depth_of_focus_nm DOUBLE,
    pattern_fidelity DOUBLE,
    speed_vs_accuracy DOUBLE,
    resolution_vs_dof DOUBLE,
    cost_vs_fidelity  DOUBLE,
    surrogate_reliability DOUBLE,
    yield_risk        DOUBLE,
    overall_health    DOUBLE,
    critical        BOOLEAN NOT NULL,
    imaging_path    VARCHAR,            -- abbe or socs: the simulator path that produced the truth
    compute_time_s  DOUBLE,
    simulator_version VARCHAR,
    simulated_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (campaign_id, sample_idx)
);

-- Physical intermediates of the truth (SignalIntermediates) and the adapter's physics-lite estimate of
-- the same job (signals, per-signal error estimate, intermediates, fidelity label, seconds); null when
-- the adapter has none.
ALTER TABLE training_samples ADD COLUMN IF NOT EXISTS intermediates DOUBLE[];
ALTER TABLE training_samples ADD COLUMN IF NOT EXISTS lite_signals DOUBLE[];
ALTER TABLE training_samples ADD COLUMN IF NOT EXISTS lite_error DOUBLE[];
ALTER TABLE training_samples ADD COLUMN IF NOT EXISTS lite_intermediates DOUBLE[];
ALTER TABLE training_samples ADD COLUMN IF NOT EXISTS lite_fidelity VARCHAR;
ALTER TABLE training_samples ADD COLUMN IF NOT EXISTS lite_seconds DOUBLE;

-- Which model version served when: registered, production, retired (audit and rollback).
CREATE TABLE IF NOT EXISTS model_deployments (
    version         VARCHAR NOT NULL,
    event           VARCHAR NOT NULL,
    occurred_at     TIMESTAMP NOT NULL,
    reason          VARCHAR
);

-- Who made each lifecycle change (the API key's owner, or system for start-up, commands and the scheduler).
ALTER TABLE model_deployments ADD COLUMN IF NOT EXISTS actor VARCHAR;

-- Retrain runs (docs/ml.md §13): state RUNNING, SHADOW, DISCARDED or FAILED; `run` holds the whole run as
-- GET /api/v1/models/retrain/{id} shows it (step, provenance, gates, reasons).
CREATE TABLE IF NOT EXISTS model_retrain_runs (
    run_id          VARCHAR PRIMARY KEY,
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    state           VARCHAR NOT NULL,
    run             JSON NOT NULL
);

-- Surrogate audits (docs/ml.md §14). The queue: completed surrogate jobs picked for an audit, written in
-- the transaction that completes the job, so a restart neither loses nor repeats a pick; a row leaves
-- the queue in the transaction that stores its audit.
CREATE TABLE IF NOT EXISTS surrogate_audit_queue (
    job_id          VARCHAR PRIMARY KEY,
    audit_class     VARCHAR NOT NULL,      -- AuditClass: <job_class>/<illumination>
    adapter_type    VARCHAR NOT NULL,
    parameters      VARCHAR NOT NULL,      -- the job's JobParameters (JSON)
    reason          VARCHAR NOT NULL,      -- sampled | suspected
    queued_at       TIMESTAMP NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      VARCHAR
);

-- One row per audited job: the RMSE between its surrogate (SOCS) and full Abbe aerial images at its focus,
-- clear-field units (0.032 = 3.2 %).
CREATE TABLE IF NOT EXISTS surrogate_audits (
    job_id          VARCHAR PRIMARY KEY,
    audit_class     VARCHAR NOT NULL,
    audited_at      TIMESTAMP NOT NULL,
    rmse            DOUBLE NOT NULL,
    nominal_rmse    DOUBLE,                -- the adapter's closed-form estimate of the same error
    abbe_seconds    DOUBLE NOT NULL,       -- wall time of the Abbe image (the audit's extra cost)
    audit_seconds   DOUBLE NOT NULL,       -- wall time of the whole audit
    image_px        INTEGER,
    simulator_version VARCHAR,
    reason          VARCHAR NOT NULL
);

-- Forced-physics rules, one per drift episode of a job class: raised when the class's audit trend exceeds
-- the threshold (with the surrogate_drift alert), active until an admin clears it (who, when, why).
CREATE TABLE IF NOT EXISTS forced_physics_rules (
    rule_id         VARCHAR PRIMARY KEY,
    audit_class     VARCHAR NOT NULL,
    raised_at       TIMESTAMP NOT NULL,
    trend_rmse      DOUBLE NOT NULL,
    threshold       DOUBLE NOT NULL,
    audits          INTEGER NOT NULL,
    job_id          VARCHAR,               -- the audit that tipped the trend
    alert_published BOOLEAN NOT NULL,
    cleared_at      TIMESTAMP,
    cleared_by      VARCHAR,
    clear_reason    VARCHAR
);

-- Shadow phase (docs/ml.md §13): the shadow candidate's answer at each preflight (its seed-shaped row is in
-- tradeoff_predictions with prediction_type 'shadow'); here the six signals with intervals, so the
-- evaluation can score it like production: accurate_pairs = signals with |actual − predicted| ≤ 0.05.
CREATE TABLE IF NOT EXISTS shadow_predictions (
    job_id          VARCHAR PRIMARY KEY,
    model_version   VARCHAR NOT NULL,
    predicted_at    TIMESTAMP NOT NULL,
    predictions     JSON NOT NULL,
    evaluated_at    TIMESTAMP,
    accurate_pairs  INTEGER
);

-- One row per shadow candidate on trial: the evaluated jobs it needs before it is judged (min-jobs, twice
-- that once extended), and its outcome (promoted, discarded) once judged.
CREATE TABLE IF NOT EXISTS shadow_trials (
    version         VARCHAR PRIMARY KEY,
    started_at      TIMESTAMP NOT NULL,
    needed          INTEGER NOT NULL,
    extended        BOOLEAN NOT NULL,
    outcome         VARCHAR,
    reason          VARCHAR
);
