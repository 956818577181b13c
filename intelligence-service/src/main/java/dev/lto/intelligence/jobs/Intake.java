package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Takes stored submissions (SUBMITTED jobs) through their first stages — validation, preflight,
 * the gate — in arrival order, one job per writer-lock turn, on a thread of its own; the preflight
 * prediction is computed before the lock is taken ({@link PreparedDecisions}). Storing a
 * batch of submissions therefore never waits for a prediction (≈ 0.1 s of CPU per job): a job is
 * readable by id as soon as its batch commits and waits in SUBMITTED, visibly, until its turn.
 * When the queue is empty it re-reads the SUBMITTED jobs from the database, which covers a restart
 * and a job whose stage failed (it stays SUBMITTED and is tried again).
 */
@Component
class Intake implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Intake.class);

    private final JobLifecycle lifecycle;
    private final JobRepository jobs;
    private final PreparedDecisions decisions;
    private final boolean orchestrator;
    private final long rescanMillis;
    private final LinkedHashSet<String> queue = new LinkedHashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private volatile boolean running;
    private Thread thread;

    Intake(JobLifecycle lifecycle, JobRepository jobs, PreparedDecisions decisions, MeterRegistry meters,
           @Value("${lto.pipeline.orchestrator:true}") boolean orchestrator,
           @Value("${lto.pipeline.intake-rescan-interval:5s}") Duration rescan) {
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.decisions = decisions;
        this.orchestrator = orchestrator;
        this.rescanMillis = rescan.toMillis();
        Gauge.builder("lto.jobs.intake.waiting", this, Intake::waiting)
                .description("Stored submissions waiting for validation and preflight").register(meters);
    }

    /** Jobs to advance, in order; a job already waiting keeps its place. */
    void advanceLater(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            queue.addAll(jobIds);
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private String next() throws InterruptedException {
        lock.lock();
        try {
            if (queue.isEmpty()) {
                arrived.await(rescanMillis, TimeUnit.MILLISECONDS);
            }
            if (queue.isEmpty()) {
                return null;
            }
            var it = queue.iterator();
            String id = it.next();
            it.remove();
            return id;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        boolean scan = true;
        while (running) {
            if (scan) {
                scan = false;
                try {
                    advanceLater(jobs.submittedInArrivalOrder());
                } catch (RuntimeException e) {
                    log.warn("Intake could not read the waiting submissions now: {}", e.toString());
                }
            }
            try {
                String jobId = next();
                if (jobId == null) {
                    scan = true;
                    continue;
                }
                // In the job's stored trace context: its stages' spans join the submission's trace.
                lifecycle.inJobContext(jobId, () -> {
                    // The prediction outside the writer lock; under it only the stored-facts checks and the writes.
                    jobs.find(jobId).filter(j -> j.state() == JobState.SUBMITTED || j.state() == JobState.VALIDATING
                            || j.state() == JobState.PREFLIGHT).ifPresent(decisions::prepare);
                    try {
                        lifecycle.locked(() -> {
                            lifecycle.advance(jobId);
                            return null;
                        });
                    } finally {
                        decisions.discard(jobId); // not used: rejected at validation, or the stage failed
                    }
                    return null;
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The job stays where its last commit left it; the next rescan (or resumeStalled) tries again.
                log.warn("Intake could not advance a job now: {}", e.toString());
                sleepQuietly();
            }
        }
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        if (!orchestrator) {
            return;
        }
        running = true;
        // Validation and preflight (physics-lite) are pipeline work: behind API requests (docs/operations.md "CPU priorities").
        thread = Thread.ofPlatform().name("job-intake").daemon(true).priority(3).start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            // No interrupt: the thread may be inside a database statement; it checks the flag between jobs.
            lock.lock();
            try {
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
