package dev.lto.contracts;

/**
 * Health of a component or adapter. {@link #NOT_APPLICABLE}: the component exists in the
 * configuration but nothing uses it here (a stream no consumer reads and nothing waits on, e.g. a
 * GPU request queue without a GPU pool); it is reported, but counts neither for nor against the
 * overall status or the health score.
 */
public enum HealthStatus {
    UP, DEGRADED, DOWN, UNKNOWN, NOT_APPLICABLE
}
