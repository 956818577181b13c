package dev.lto.contracts;

/** Health of a component or adapter. */
public enum HealthStatus {
    UP, DEGRADED, DOWN, UNKNOWN
}
