package dev.lto.intelligence.jobs;

import dev.lto.contracts.JobState;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.SimulationRequested;
import dev.lto.platform.streams.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Moves QUEUED jobs to the simulation workers, best first (priority rank plus aging), never more
 * than the pools' free slots, so the request streams stay short and the order is decided here, not
 * by stream position. The request is published before the job is marked RUNNING: a crash between
 * the two re-sends the same attempt (the worker's second answer is ignored), never loses the job.
 * Also the watchdog: a RUNNING job without a result after the run timeout is a failed attempt.
 */
@Component
@ConditionalOnProperty(name = "lto.pipeline.orchestrator", havingValue = "true", matchIfMissing = true)
class Dispatcher {

    static final String CPU_BINDING = "simulationRequestsCpu-out-0";
    static final String GPU_BINDING = "simulationRequestsGpu-out-0";
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final JobLifecycle lifecycle;
    private final JobRepository jobs;
    private final PipelineRepository pipeline;
    private final EventPublisher publisher;
    private final PipelineProperties props;
    private Instant failingSince;
    private Instant lastFailureLog = Instant.EPOCH;
    private Instant lastWaitingLog = Instant.EPOCH;

    Dispatcher(JobLifecycle lifecycle, JobRepository jobs, PipelineRepository pipeline, EventPublisher publisher,
               PipelineProperties props) {
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.pipeline = pipeline;
        this.publisher = publisher;
        this.props = props;
    }

    @Scheduled(fixedDelayString = "${lto.pipeline.dispatch-interval:200ms}")
    void dispatch() {
        try {
            int n = lifecycle.locked(this::dispatchLocked);
            if (n > 0) {
                log.debug("Dispatched {} job(s)", n);
            }
            if (failingSince != null) {
                log.info("Dispatching again after {} s of failed rounds", Duration.between(failingSince, Instant.now()).toSeconds());
                failingSince = null;
            }
        } catch (RuntimeException e) {
            // Every 200 ms while Redis is away: say once, then every 30 s, what waits and why.
            Instant now = Instant.now();
            if (failingSince == null || Duration.between(lastFailureLog, now).compareTo(Duration.ofSeconds(30)) >= 0) {
                failingSince = failingSince == null ? now : failingSince;
                lastFailureLog = now;
                log.warn("Dispatch paused since {}: {}; QUEUED jobs wait (none is lost, each is re-sent with the same attempt)",
                        failingSince, e.toString());
            }
        }
        reportWaiting();
    }

    /**
     * Every 30 s while jobs wait in QUEUED and no slot is free: which jobs hold the slots and for how
     * long, so a stuck pipeline is visible in the log, not only in the gauges.
     */
    private void reportWaiting() {
        Instant now = Instant.now();
        if (Duration.between(lastWaitingLog, now).compareTo(Duration.ofSeconds(30)) < 0) {
            return;
        }
        try {
            long queued = pipeline.queuedCount();
            if (queued == 0) {
                return;
            }
            Map<String, Integer> running = pipeline.runningByDeviceClass();
            boolean full = true;
            for (String device : List.of("gpu", "cpu")) {
                if (props.slots(device) > running.getOrDefault(device, 0)) {
                    full = false;
                }
            }
            if (full) {
                lastWaitingLog = now;
                log.info("{} job(s) QUEUED wait for a slot: all slots busy ({}); running: {}", queued,
                        running, pipeline.runningSummary(now));
            }
        } catch (RuntimeException e) {
            log.debug("Waiting report skipped: {}", e.toString());
        }
    }

    /** Each pool with free slots takes its own best jobs, so a full pool never idles the other. */
    private int dispatchLocked() {
        Map<String, Integer> running = pipeline.runningByDeviceClass();
        Instant now = Instant.now();
        int sent = 0;
        for (String device : List.of("gpu", "cpu")) {
            int free = props.slots(device) - running.getOrDefault(device, 0);
            if (free <= 0) {
                continue;
            }
            for (var d : pipeline.dispatchable(now, props.agingPerRank().toMillis() / 1000.0, free, props.surrogateJobsOf(device))) {
                lifecycle.inJobTrace("job.dispatch", d.jobId(), () -> {
                    JobRecord job = lifecycle.read(d.jobId());
                    int attempt = d.attempt() + 1;
                    var request = new SimulationRequested(job.jobId(), attempt, job.parameters(), job.adapterType(), device, now);
                    publisher.publish("gpu".equals(device) ? GPU_BINDING : CPU_BINDING, new EventEnvelope<>(
                            job.jobId() + "/attempt-" + attempt, EventTypes.SIMULATION_REQUESTED, 1, now, job.jobId(),
                            "intelligence-service", Map.of(), request));
                    return lifecycle.move(job, JobState.RUNNING, "attempt " + attempt + " dispatched to the " + device + " pool",
                            () -> pipeline.markDispatched(job.jobId(), attempt, device, now));
                });
                sent++;
            }
        }
        return sent;
    }

    @Scheduled(fixedDelayString = "${lto.pipeline.watchdog-interval:15s}", initialDelayString = "${lto.pipeline.watchdog-interval:15s}")
    void watchdog() {
        watchdog(Instant.now());
    }

    /** One watchdog round as at {@code now} (tests pass a time past the run timeout instead of waiting for it). */
    void watchdog(Instant now) {
        List<PipelineRepository.Dispatch> overdue = pipeline.overdue(now.minus(props.runTimeout()));
        for (var d : overdue) {
            try {
                lifecycle.inJobTrace("job.watchdog", d.jobId(), () -> lifecycle.locked(() -> {
                    JobRecord job = lifecycle.read(d.jobId());
                    var current = pipeline.dispatch(d.jobId()).orElseThrow();
                    if (job.state() == JobState.RUNNING && current.attempt() == d.attempt() && pipeline.result(d.jobId()).isEmpty()) {
                        lifecycle.attemptFailed(job, d.attempt(), "no result within " + props.runTimeout().toSeconds() + " s");
                    }
                    return null;
                }));
            } catch (RuntimeException e) {
                log.warn("Watchdog could not handle job {}: {}", d.jobId(), e.toString());
            }
        }
    }
}
