package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobState;

/**
 * One automatic step of the lifecycle: given a job in {@link #state()}, decide where it goes next.
 * A state with no stage bean waits (e.g. PREFLIGHT until the preflight stage exists).
 */
interface JobStage {

    JobState state();

    Transition run(JobRecord job);

    record Transition(JobState to, String reason) {
    }
}
