package dev.lto.engine.models;

import dev.lto.engine.EngineApi;

/** Which stage of the prediction cascade answered a job (docs/ml.md §11). */
@EngineApi
public enum Stage {
    /** The learned first stage: sub-millisecond, answers where its calibrated uncertainty says it is safe. */
    FIRST_STAGE("first_stage"),
    /** The adapter's physics at reduced fidelity with the full-fidelity cost terms. */
    PHYSICS_LITE("physics_lite");

    private final String wire;

    Stage(String wire) {
        this.wire = wire;
    }

    /** The name in API answers, reports and stored predictions. */
    public String wire() {
        return wire;
    }
}
