package dev.lto.engine.data;

import dev.lto.engine.EngineApi;

/** Which part of a campaign a job belongs to; assigned per job, stratified by criticality. */
@EngineApi
public enum Split {
    TRAIN, CALIBRATION, VALIDATION, TEST
}
