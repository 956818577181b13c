package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import java.time.Instant;

/** A stored job: its parameters, current state and bookkeeping. */
record JobRecord(String jobId, JobParameters parameters, JobState state, String adapterType,
                 Instant submittedAt, Instant completedAt) {

    /** The same job after a transition (completedAt is not needed by stages). */
    JobRecord inState(JobState next) {
        return new JobRecord(jobId, parameters, next, adapterType, submittedAt, completedAt);
    }
}
