package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.JobSubmitted;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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

    JobLifecycle(JobRepository jobs, TransactionTemplate tx, StateEventOutbox outbox, List<JobStage> stageBeans,
                 @Value("${lto.jobs.default-adapter}") String defaultAdapter) {
        this.jobs = jobs;
        this.tx = tx;
        this.outbox = outbox;
        this.defaultAdapter = defaultAdapter;
        for (JobStage stage : stageBeans) {
            if (stages.put(stage.state(), stage) != null) {
                throw new IllegalStateException("two stages for " + stage.state());
            }
        }
    }

    /** Handles one submission; returns once its effects are committed (the binder then acknowledges). */
    void accept(EventEnvelope<JobSubmitted> event) {
        var p = event.payload().parameters();
        Boolean created = tx.execute(s -> jobs.insertIfAbsent(p, event.payload().submittedAt(), defaultAdapter, event.eventId()));
        if (!Boolean.TRUE.equals(created)) {
            log.debug("Job {} already known; resuming it instead of inserting", p.jobId());
        }
        advance(p.jobId());
        outbox.flush();
    }

    /** Runs every stage the job is ready for, until it reaches a state with no stage. */
    void advance(String jobId) {
        while (true) {
            JobRecord job = jobs.find(jobId).orElseThrow(() -> new IllegalStateException("no job " + jobId));
            JobStage stage = stages.get(job.state());
            if (stage == null) {
                return;
            }
            JobStage.Transition next = stage.run(job);
            JobState to = job.state().moveTo(next.to());
            Boolean moved = tx.execute(s -> jobs.updateState(jobId, job.state(), to, Instant.now(), next.reason(), to.isTerminal()));
            if (!Boolean.TRUE.equals(moved)) {
                log.info("Job {} left {} concurrently; re-reading", jobId, job.state());
            }
        }
    }

    /** After a restart: resume every job that waits in a state a stage exists for. */
    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinished() {
        List<String> pending = jobs.jobsIn(List.copyOf(stages.keySet()));
        if (!pending.isEmpty()) {
            log.info("Resuming {} job(s) interrupted mid-stage", pending.size());
            pending.forEach(this::advance);
        }
        outbox.flush();
    }
}
