package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.JobSubmitted;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drives jobs through the lifecycle: stores each submission once (idempotent on job id), then
 * runs every stage the job is ready for, each transition in its own transaction, and hands the
 * state events to the outbox. Safe to repeat for the same job: a redelivered submission or a
 * restart resumes where the stored state says, and changes nothing that is already done.
 */
@Service
class JobLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

    private final JobRepository jobs;
    private final TransactionTemplate tx;
    private final StateEventOutbox outbox;
    private final Map<JobState, JobStage> stages = new EnumMap<>(JobState.class);
    private final String defaultAdapter;
    private final Counter conflicts;
    /** This process writes the job tables from one thread at a time (the consumer, or the resume at start). */
    private final ReentrantLock writer = new ReentrantLock();

    JobLifecycle(JobRepository jobs, TransactionTemplate tx, StateEventOutbox outbox, List<JobStage> stageBeans,
                 @Value("${lto.jobs.default-adapter}") String defaultAdapter, MeterRegistry meters) {
        this.jobs = jobs;
        this.tx = tx;
        this.outbox = outbox;
        this.defaultAdapter = defaultAdapter;
        this.conflicts = Counter.builder("lto.jobs.submission.conflicts")
                .description("Submissions that reused a known job id with different parameters").register(meters);
        for (JobStage stage : stageBeans) {
            if (stages.put(stage.state(), stage) != null) {
                throw new IllegalStateException("two stages for " + stage.state());
            }
        }
    }

    /**
     * Handles one submission; returns once its effects are committed (the binder then acknowledges).
     * A known job id with the same parameters is a redelivery or a client retry: the job resumes. A
     * known id with other parameters is a conflict: kept aside and counted, never merged.
     */
    void accept(EventEnvelope<JobSubmitted> event) {
        var p = event.payload().parameters();
        writer.lock();
        try {
            Boolean created = tx.execute(s -> jobs.insertIfAbsent(p, event.payload().submittedAt(), defaultAdapter, event.eventId()));
            if (!Boolean.TRUE.equals(created)) {
                JobRecord existing = read(p.jobId());
                if (!existing.parameters().equals(p)) {
                    jobs.recordConflict(p, event.eventId());
                    conflicts.increment();
                    log.error("Submission {} reuses job id {} with different parameters; kept in job_submission_conflicts, "
                            + "not processed", event.eventId(), p.jobId());
                    return;
                }
                log.debug("Job {} already known; resuming it instead of inserting", p.jobId());
            }
            advance(p.jobId());
        } finally {
            writer.unlock();
        }
        outbox.flush();
    }

    /** Runs every stage the job is ready for, until it reaches a state with no stage. Call holding {@link #writer}. */
    private void advance(String jobId) {
        JobRecord job = read(jobId);
        while (true) {
            JobStage stage = stages.get(job.state());
            if (stage == null) {
                return;
            }
            JobStage.Transition next = stage.run(job);
            JobRecord current = job;
            JobState to = current.state().moveTo(next.to());
            Boolean moved = tx.execute(s -> jobs.updateState(jobId, current.state(), to, Instant.now(), next.reason(), to.isTerminal()));
            if (Boolean.TRUE.equals(moved)) {
                job = current.inState(to); // we are the only writer: no need to read back what we just wrote
            } else {
                log.info("Job {} left {} concurrently; re-reading", jobId, current.state());
                job = read(jobId);
            }
        }
    }

    private JobRecord read(String jobId) {
        return jobs.find(jobId).orElseThrow(() -> new IllegalStateException("no job " + jobId));
    }

    /** After a restart: resume every job that waits in a state a stage exists for. */
    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinished() {
        List<String> pending = jobs.jobsIn(List.copyOf(stages.keySet()));
        if (!pending.isEmpty()) {
            log.info("Resuming {} job(s) interrupted mid-stage", pending.size());
        }
        for (String jobId : pending) {
            // One job that cannot be resumed must not stop the others, nor the service's start.
            writer.lock();
            try {
                advance(jobId);
            } catch (RuntimeException e) {
                log.error("Could not resume job {}; it stays where it is until its submission is redelivered", jobId, e);
            } finally {
                writer.unlock();
            }
        }
        outbox.flush();
    }
}
