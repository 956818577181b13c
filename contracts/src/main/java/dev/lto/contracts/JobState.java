package dev.lto.contracts;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Job lifecycle (seed §3.3 plus CANCELLED). This enum is the one state machine: {@link #canMoveTo}
 * is the only place that says which transitions are legal.
 *
 * <p>Two edges go beyond the seed's drawing, both deliberate: RUNNING → QUEUED re-queues a job
 * whose simulation failed and will be retried, and a job that has not started running
 * (SUBMITTED, VALIDATING, PREFLIGHT, QUEUED) can be CANCELLED.
 */
public enum JobState {
    SUBMITTED, VALIDATING, REJECTED, PREFLIGHT, BLOCKED, QUEUED, RUNNING, FAILED, EVALUATING,
    COMPLETED, ANOMALY_FLAGGED, ENGINEER_REVIEW, CLEARED, ESCALATED, CANCELLED;

    private static final Map<JobState, Set<JobState>> NEXT = new EnumMap<>(JobState.class);

    static {
        NEXT.put(SUBMITTED, EnumSet.of(VALIDATING, CANCELLED));
        NEXT.put(VALIDATING, EnumSet.of(PREFLIGHT, REJECTED, CANCELLED));
        NEXT.put(PREFLIGHT, EnumSet.of(QUEUED, BLOCKED, CANCELLED));
        NEXT.put(QUEUED, EnumSet.of(RUNNING, CANCELLED));
        NEXT.put(RUNNING, EnumSet.of(EVALUATING, FAILED, QUEUED));
        NEXT.put(EVALUATING, EnumSet.of(COMPLETED, ANOMALY_FLAGGED));
        NEXT.put(ANOMALY_FLAGGED, EnumSet.of(ENGINEER_REVIEW));
        NEXT.put(ENGINEER_REVIEW, EnumSet.of(CLEARED, ESCALATED));
        for (JobState s : values()) {
            NEXT.putIfAbsent(s, EnumSet.noneOf(JobState.class));
        }
        NEXT.replaceAll((s, next) -> Collections.unmodifiableSet(next));
    }

    /** Whether a job in this state may move to {@code target}. */
    public boolean canMoveTo(JobState target) {
        return NEXT.get(this).contains(target);
    }

    /** The states a job in this state may move to. */
    public Set<JobState> next() {
        return NEXT.get(this);
    }

    /** An end state: nothing follows it. */
    public boolean isTerminal() {
        return NEXT.get(this).isEmpty();
    }

    /**
     * Checks a transition and returns the target.
     *
     * @throws IllegalStateTransitionException when the transition is not legal
     */
    public JobState moveTo(JobState target) {
        if (!canMoveTo(target)) {
            throw new IllegalStateTransitionException(this, target);
        }
        return target;
    }
}
