package dev.lto.contracts;

/** Alert severities, least to most urgent (seed §5 alerts table). */
public enum AlertSeverity {
    INFO, WARN, CRITICAL, EMERGENCY
}
