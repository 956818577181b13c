package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobState;

/**
 * One automatic step of the lifecycle: given a job in {@link #state()}, decide where it goes next,
 * or {@code null} to leave it waiting (a QUEUED job waits for the dispatcher, a RUNNING one for its
 * result, a PREFLIGHT one for a model). A state with no stage bean always waits.
 */
interface JobStage {

    JobState state();

    /** The next move, or null to wait. Must not write: writes go into the transition's effect. */
    Transition run(JobRecord job);

    /** The span this stage runs in when traced ({@code job.validate}...), or null for a step too small to trace. */
    default String spanName() {
        return null;
    }

    /**
     * Where the job goes, why (history reason, may be null), and what must be stored in the same
     * transaction as the state change (may be null).
     */
    record Transition(JobState to, String reason, Runnable effect) {

        Transition(JobState to, String reason) {
            this(to, reason, null);
        }
    }
}
