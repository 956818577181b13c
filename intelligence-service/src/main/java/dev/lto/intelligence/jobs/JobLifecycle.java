package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.JobSubmitted;
import dev.lto.contracts.events.SimulationFinished;
import dev.lto.platform.streams.StreamTracing;
import dev.lto.platform.web.ConflictException;
import dev.lto.platform.web.NotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drives jobs through the lifecycle: stores each submission once (idempotent on job id), runs every
 * stage the job is ready for, each transition and its effects in one transaction, and hands the
 * state events to the outbox. Every entry point (submission, simulation result, dispatch, cancel,
 * review, resume) takes the one writer lock, so decisions never race. Safe to repeat: a redelivered
 * message or a restart resumes where the stored state says and changes nothing already done.
 */
@Service
class JobLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobLifecycle.class);

    private final JobRepository jobs;
    private final PipelineRepository pipeline;
    private final TransactionTemplate tx;
    private final StateEventOutbox outbox;
    private final PipelineProperties props;
    /** Seconds to an hour: a blocked job ends in well under a second, a simulated one in seconds to minutes. */
    private static final java.time.Duration[] JOB_DURATION_BUCKETS = java.util.stream.DoubleStream.of(
                    0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
            .mapToObj(s -> java.time.Duration.ofMillis(Math.round(s * 1000))).toArray(java.time.Duration[]::new);
    private final Map<JobState, JobStage> stages = new EnumMap<>(JobState.class);
    private final String defaultAdapter;
    private final Counter conflicts;
    /** False in a worker-only process or command mode: nothing here resumes jobs on a schedule. */
    private final boolean orchestrator;
    private final Counter staleResults;
    private final Counter completed;
    private final Counter blocked;
    private final Timer duration;
    /** Set by every committed transition; tells {@link #locked} there are state events to publish. */
    private final AtomicBoolean moved = new AtomicBoolean();
    /**
     * This process writes the job tables from one thread at a time. Fair: the intake's stage thread
     * takes it job after job, and a batch of submissions waiting to be stored must get its turn.
     */
    private final ReentrantLock writer = new ReentrantLock(true);
    private final StreamTracing tracing;

    JobLifecycle(JobRepository jobs, PipelineRepository pipeline, TransactionTemplate tx, StateEventOutbox outbox,
                 PipelineProperties props, List<JobStage> stageBeans,
                 @Value("${lto.jobs.default-adapter}") String defaultAdapter, MeterRegistry meters,
                 @Value("${lto.pipeline.orchestrator:true}") boolean orchestrator, StreamTracing tracing) {
        this.orchestrator = orchestrator;
        this.tracing = tracing;
        this.jobs = jobs;
        this.pipeline = pipeline;
        this.tx = tx;
        this.outbox = outbox;
        this.props = props;
        this.defaultAdapter = defaultAdapter;
        this.conflicts = Counter.builder("lto.jobs.submission.conflicts")
                .description("Submissions that reused a known job id with different parameters").register(meters);
        this.staleResults = Counter.builder("lto.jobs.results.ignored")
                .description("Simulation results ignored: duplicates, late answers to abandoned attempts, results for ended jobs")
                .register(meters);
        this.completed = Counter.builder("lto.jobs.completed").description("Jobs that completed with their prediction confirmed")
                .register(meters);
        this.blocked = Counter.builder("lto.jobs.blocked").description("Jobs blocked by the preflight gate").register(meters);
        this.duration = Timer.builder("lto.job.duration").description("End-to-end job time, submission to the pipeline's end state")
                .serviceLevelObjectives(JOB_DURATION_BUCKETS).register(meters);
        for (JobStage stage : stageBeans) {
            if (stages.put(stage.state(), stage) != null) {
                throw new IllegalStateException("two stages for " + stage.state());
            }
        }
    }

    /**
     * Runs {@code work} holding the writer lock, then publishes the state events it produced (only if
     * it moved a job: the dispatcher calls this every 200 ms and mostly finds nothing to do).
     */
    <T> T locked(Supplier<T> work) {
        writer.lock();
        try {
            return work.get();
        } finally {
            writer.unlock();
            try {
                if (moved.getAndSet(false)) {
                    outbox.flush();
                }
            } catch (RuntimeException e) {
                // The work is committed; the scheduled sweep publishes what this flush could not.
                log.warn("State events not flushed now ({}); the outbox sweep will", e.toString());
            }
        }
    }

    /**
     * Stores a batch of submissions in one transaction and publishes their SUBMITTED events once
     * (one commit and one outbox flush per batch, not per job); returns, in batch order, the ids of
     * the jobs to advance: the new ones and the known ones resubmitted with the same parameters (a
     * redelivery or a client retry resumes the job). A known id with other parameters is a conflict:
     * kept aside in {@code job_submission_conflicts} and counted, never merged. The stages run later,
     * on the {@link Intake}'s thread, so storing never waits for a prediction.
     */
    List<String> store(List<EventEnvelope<JobSubmitted>> events) {
        return store(events, Map.of());
    }

    /**
     * {@link #store(List)}, keeping with each new job's SUBMITTED row the trace context its message was
     * handled in ({@code contextByEventId}, by envelope event id), so the job's later work joins its trace.
     */
    List<String> store(List<EventEnvelope<JobSubmitted>> events, Map<String, Map<String, String>> contextByEventId) {
        return locked(() -> tx.execute(s -> {
            Map<String, EventEnvelope<JobSubmitted>> firstById = new LinkedHashMap<>();
            for (var event : events) {
                firstById.putIfAbsent(event.payload().parameters().jobId(), event);
            }
            Set<String> created = jobs.insertAllIfAbsent(firstById.values().stream()
                    .map(e -> new JobRepository.NewJob(e.payload().parameters(), e.payload().submittedAt(), defaultAdapter, e.eventId(),
                            contextByEventId.getOrDefault(e.eventId(), Map.of()), e.payload().keyOwner()))
                    .toList());
            List<String> toAdvance = new ArrayList<>();
            for (var event : events) {
                var p = event.payload().parameters();
                if (created.contains(p.jobId()) && firstById.get(p.jobId()) == event) {
                    toAdvance.add(p.jobId());
                    continue;
                }
                JobParameters known = created.contains(p.jobId()) ? firstById.get(p.jobId()).payload().parameters()
                        : read(p.jobId()).parameters();
                if (!known.equals(p)) {
                    jobs.recordConflict(p, event.eventId());
                    afterCommit(conflicts::increment);
                    log.error("Submission {} reuses job id {} with different parameters; kept in job_submission_conflicts, "
                            + "not processed", event.eventId(), p.jobId());
                } else if (!toAdvance.contains(p.jobId())) {
                    log.debug("Job {} already known; resuming it instead of inserting", p.jobId());
                    toAdvance.add(p.jobId());
                }
            }
            if (!created.isEmpty()) {
                afterCommit(() -> moved.set(true)); // the SUBMITTED history rows are events too
            }
            return toAdvance;
        }));
    }

    /**
     * Handles the end of a simulation attempt. A worker's answer counts only for the attempt the job
     * is RUNNING now (a late answer to an abandoned attempt or a duplicate is ignored); a failure is
     * retried after the configured delay, up to the configured count, then the job FAILS. A result
     * ingested from an external simulator creates the job if LTO does not know it, and is evaluated
     * like one of ours.
     */
    void finished(EventEnvelope<SimulationFinished> event) {
        SimulationFinished f = event.payload();
        locked(() -> {
            if ("ingest".equals(f.source())) {
                ingested(event);
                return null;
            }
            JobRecord job = jobs.find(f.jobId()).orElse(null);
            var dispatch = pipeline.dispatch(f.jobId()).orElse(null);
            if (job == null || job.state() != JobState.RUNNING || dispatch == null || f.attempt() == null
                    || dispatch.attempt() != f.attempt()) {
                staleResults.increment();
                log.info("Ignoring the {} of job {} attempt {}: the job is {}{}", f.failed() ? "failure" : "result", f.jobId(),
                        f.attempt(), job == null ? "unknown" : job.state(), dispatch == null ? "" : " at attempt " + dispatch.attempt());
                return null;
            }
            if (f.failed()) {
                attemptFailed(job, f.attempt(), f.error() + " (on " + f.worker() + ")");
                return null;
            }
            // One transaction: a failing advance must not leave a stored result behind a RUNNING job
            // (the watchdog and the dispatcher skip jobs that have a result).
            tx.executeWithoutResult(s -> {
                pipeline.storeResult(f.jobId(), f.attempt(), f.source(), f.worker(), f.result());
                advance(f.jobId());
            });
            return null;
        });
    }

    private void ingested(EventEnvelope<SimulationFinished> event) {
        var r = event.payload().result();
        JobParameters p = r.parameters().jobId().equals(r.jobId()) ? r.parameters() : r.parameters().withJobId(r.jobId());
        tx.executeWithoutResult(s -> {
            if (jobs.insertIfAbsent(p, r.timestamp(), r.adapterType(), event.eventId())) {
                afterCommit(() -> moved.set(true));
            }
            JobRecord job = read(p.jobId());
            if (!job.parameters().equals(p)) {
                // A result computed for other parameters would be judged against this job's prediction.
                jobs.recordConflict(p, event.eventId());
                conflicts.increment();
                staleResults.increment();
                log.error("Ingested result {} for job {} has other parameters than the job; kept in job_submission_conflicts, "
                        + "not evaluated", event.eventId(), p.jobId());
                return;
            }
            if (job.state().isTerminal() || job.state() == JobState.EVALUATING || job.state() == JobState.ANOMALY_FLAGGED
                    || job.state() == JobState.ENGINEER_REVIEW) {
                staleResults.increment();
                log.warn("Ignoring an ingested result for job {}: it is already {}", job.jobId(), job.state());
                return;
            }
            if (!pipeline.storeResult(job.jobId(), null, "ingest", event.payload().worker(), r)) {
                staleResults.increment();
            }
            advance(job.jobId());
        });
    }

    /** Call holding the lock: retry after the delay, or FAILED once the retries are spent. */
    void attemptFailed(JobRecord job, int attempt, String error) {
        if (attempt <= props.retries()) {
            Instant notBefore = Instant.now().plus(props.retryDelay());
            move(job, JobState.QUEUED, "attempt " + attempt + " failed: " + error + "; retry " + attempt + " of "
                    + props.retries() + " after " + props.retryDelay().toSeconds() + " s",
                    () -> pipeline.markRetry(job.jobId(), notBefore, error));
        } else {
            move(job, JobState.FAILED, "attempt " + attempt + " failed: " + error + "; no retries left ("
                    + props.retries() + " configured)", () -> pipeline.markFailed(job.jobId(), error));
        }
    }

    /** {@code DELETE /api/v1/jobs/{id}}: cancels a job that has not started running. */
    JobRecord cancel(String jobId, String by) {
        return locked(() -> {
            JobRecord job = jobs.find(jobId).orElseThrow(() -> new NotFoundException("no job with id " + jobId));
            if (!job.state().canMoveTo(JobState.CANCELLED)) {
                throw new ConflictException("job " + jobId + " is " + job.state() + " and can no longer be cancelled: only a job "
                        + "that has not started running (SUBMITTED, VALIDATING, PREFLIGHT, QUEUED) can",
                        Map.of("job_id", jobId, "state", job.state().name()));
            }
            return move(job, JobState.CANCELLED, "cancelled by " + by, null);
        });
    }

    /** Engineer review actions on a flagged job. */
    enum ReviewAction { START, CLEAR, ESCALATE }

    /**
     * START takes a flagged job into review; CLEAR and ESCALATE end the review (from ANOMALY_FLAGGED
     * they start it first, by the same reviewer). Who, when and the note go to the history and to
     * {@code job_reviews}.
     */
    JobRecord review(String jobId, ReviewAction action, String reviewer, String note) {
        return locked(() -> {
            JobRecord job = jobs.find(jobId).orElseThrow(() -> new NotFoundException("no job with id " + jobId));
            String said = reviewer + (note == null || note.isBlank() ? "" : ": " + note);
            boolean flagged = job.state() == JobState.ANOMALY_FLAGGED;
            boolean inReview = job.state() == JobState.ENGINEER_REVIEW;
            if (action == ReviewAction.START ? !flagged : !(flagged || inReview)) {
                throw new ConflictException("job " + jobId + " is " + job.state() + "; " + action.name().toLowerCase()
                        + " needs a job in " + (action == ReviewAction.START ? "ANOMALY_FLAGGED" : "ANOMALY_FLAGGED or ENGINEER_REVIEW"),
                        Map.of("job_id", jobId, "state", job.state().name()));
            }
            Instant now = Instant.now();
            JobRecord start = job;
            return tx.execute(s -> {
                JobRecord current = start;
                if (flagged) {
                    current = move(current, JobState.ENGINEER_REVIEW, "review started by " + said,
                            () -> pipeline.recordReview(jobId, "start", reviewer, note, now));
                }
                if (action != ReviewAction.START) {
                    JobState to = action == ReviewAction.CLEAR ? JobState.CLEARED : JobState.ESCALATED;
                    current = move(current, to, (action == ReviewAction.CLEAR ? "cleared by " : "escalated by ") + said,
                            () -> pipeline.recordReview(jobId, action.name().toLowerCase(), reviewer, note, now));
                }
                return current;
            });
        });
    }

    /**
     * One checked transition with its effects in one transaction. Call holding the lock. Throws when
     * the stored state moved under us, which cannot happen while every writer holds the lock.
     */
    JobRecord move(JobRecord job, JobState target, String reason, Runnable effect) {
        JobState to = job.state().moveTo(target);
        Boolean updated = tx.execute(s -> {
            if (effect != null) {
                effect.run();
            }
            if (!jobs.updateState(job.jobId(), job.state(), to, Instant.now(), reason, to.isTerminal())) {
                s.setRollbackOnly();
                return false;
            }
            return true;
        });
        if (!Boolean.TRUE.equals(updated)) {
            throw new IllegalStateException("job " + job.jobId() + " left " + job.state() + " while the writer lock was held");
        }
        afterCommit(() -> {
            moved.set(true);
            count(job, to);
        });
        return job.inState(to);
    }

    /** Runs {@code action} once the surrounding transaction commits (now, outside one): a rolled-back move counts nothing. */
    static void afterCommit(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }

    /** Seed §9 pipeline metrics; the end of the automatic pipeline also records the job's end-to-end time. */
    private void count(JobRecord job, JobState to) {
        if (to == JobState.COMPLETED) {
            completed.increment();
        } else if (to == JobState.BLOCKED) {
            blocked.increment();
        }
        boolean pipelineEnd = to.isTerminal() || to == JobState.ANOMALY_FLAGGED;
        if (pipelineEnd && to != JobState.CLEARED && to != JobState.ESCALATED && job.submittedAt() != null) {
            duration.record(java.time.Duration.between(job.submittedAt(), Instant.now()));
        }
    }

    /**
     * Runs every stage the job is ready for, until one waits or the job ends, in one transaction
     * (one commit per advance instead of one per transition: the commit is what costs on DuckDB).
     * If a stage fails, nothing of this advance is kept; the job stays in its last committed state
     * and {@link #resumeStalled} tries again. Call holding the lock.
     */
    void advance(String jobId) {
        tx.executeWithoutResult(s -> {
            JobRecord job = read(jobId);
            while (true) {
                JobStage stage = stages.get(job.state());
                if (stage == null) {
                    return;
                }
                JobRecord current = job;
                // A traced stage's transition is stored inside its span: the state event carries it (docs/tracing.md).
                JobRecord after = stage.spanName() == null ? step(stage, current)
                        : tracing.inSpan(stage.spanName(), jobId, () -> step(stage, current));
                if (after == null) {
                    return;
                }
                job = after;
            }
        });
    }

    /** One stage's decision and its transition; null when the stage waits. */
    private JobRecord step(JobStage stage, JobRecord job) {
        JobStage.Transition next = stage.run(job);
        return next == null ? null : move(job, next.to(), next.reason(), next.effect());
    }

    /**
     * Work on a job that none of its messages started (dispatch, watchdog, resume): in a span
     * {@code name}, child of the job's latest transition, so it stays in the job's one trace.
     */
    /**
     * Runs {@code work} on the job in the context of its latest stored transition, without a span of its
     * own: the intake's stages then sit under the submission's consumer span, as if run inside it.
     */
    <T> T inJobContext(String jobId, Supplier<T> work) {
        return tracing.inContext(jobs.traceContext(jobId), jobId, work);
    }

    <T> T inJobTrace(String name, String jobId, Supplier<T> work) {
        return tracing.inSpan(name, jobs.traceContext(jobId), jobId, work);
    }

    JobRecord read(String jobId) {
        return jobs.find(jobId).orElseThrow(() -> new IllegalStateException("no job " + jobId));
    }

    /** After a restart: resume every job that waits in a state a stage exists for. */
    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinished() {
        // SUBMITTED jobs are the intake's: it takes them in arrival order on its own thread.
        resume(jobs.jobsIn(stages.keySet().stream().filter(s -> s != JobState.SUBMITTED).toList()), "interrupted mid-stage");
    }

    /**
     * Jobs waiting in PREFLIGHT for a model (bootstrap, or a failed load) move on once one serves;
     * a job whose stage failed (a database error, a bug) is tried again rather than left behind.
     * QUEUED and RUNNING jobs are included for a result stored for them (ingested, or left by a
     * failure); without one their stages do nothing: the dispatcher and the watchdog own them.
     */
    @Scheduled(fixedDelayString = "${lto.pipeline.preflight-retry-interval:10s}",
            initialDelayString = "${lto.pipeline.preflight-retry-interval:10s}")
    void resumeStalled() {
        resume(jobs.stalled(), "waiting for a model, holding a result, or after a failed stage");
    }

    private void resume(List<String> pending, String why) {
        if (!orchestrator) {
            return;
        }
        if (pending.isEmpty()) {
            return;
        }
        log.info("Resuming {} job(s) {}", pending.size(), why);
        for (String jobId : pending) {
            // One job that cannot be resumed must not stop the others, nor the service's start.
            try {
                inJobTrace("job.resume", jobId, () -> locked(() -> {
                    advance(jobId);
                    return null;
                }));
            } catch (RuntimeException e) {
                log.error("Could not resume job {}; it stays where it is until the next resume", jobId, e);
            }
        }
    }
}
