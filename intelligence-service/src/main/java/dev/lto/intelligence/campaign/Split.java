package dev.lto.intelligence.campaign;

/** Which part of a campaign a job belongs to; assigned per job, stratified by criticality. */
public enum Split {
    TRAIN, CALIBRATION, VALIDATION, TEST
}
