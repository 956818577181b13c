package dev.lto.intelligence.simulation;

import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.EventTypes;
import dev.lto.contracts.events.SimulationFinished;
import dev.lto.contracts.events.SimulationRequested;
import dev.lto.contracts.events.StreamNames;
import dev.lto.platform.streams.EnvelopeCodec;
import dev.lto.platform.streams.EventPublisher;
import dev.lto.platform.streams.StreamPublishException;
import dev.lto.platform.streams.StreamTracing;
import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;

/**
 * The sim-worker role: runs a requested simulation on its adapter, on the binder's reader thread
 * (one slot = one reader, {@code consumer.concurrency}), and answers on {@code lto.sim.results}.
 * No database. A simulator error is an answer (the orchestrator retries); an answer that cannot be
 * published is kept in the worker's durable {@link ResultOutbox} and the request acknowledged. While a job runs, the
 * adapter's progress snapshots for it are published to {@code lto.events}.
 */
@Component
public class SimulationWorker {

    static final String RESULTS_BINDING = "simulationResults-out-0";
    static final String PROGRESS_BINDING = "simulationProgress-out-0";
    private static final Logger log = LoggerFactory.getLogger(SimulationWorker.class);

    private final SimulatorAdapters adapters;
    private final EventPublisher publisher;
    private final EnvelopeCodec codec;
    private final String workerName;
    private final Map<String, AtomicInteger> busy = new ConcurrentHashMap<>();
    /** Jobs running here now, so only their progress is published, with the trace context of their run. */
    private final Map<String, Map<String, String>> running = new ConcurrentHashMap<>();
    private final AtomicLong progressSeq = new AtomicLong();
    private final List<Disposable> progressSubscriptions = new ArrayList<>();
    private final Timer simulationDuration;
    private final Counter failures;
    private final StreamTracing tracing;
    private final ResultOutbox outbox;

    SimulationWorker(SimulatorAdapters adapters, EventPublisher publisher, EnvelopeCodec codec, MeterRegistry meters,
                     ResultOutbox outbox, @Value("${spring.cloud.stream.redis.binder.consumer-name:}") String consumerName,
                     StreamTracing tracing) {
        this.tracing = tracing;
        this.adapters = adapters;
        this.outbox = outbox;
        this.publisher = publisher;
        this.codec = codec;
        // Seed §9 has no label here; the device class is on lto_worker_busy_slots. Buckets: coarse physics
        // settings take ~0.1 s, the defaults seconds, a fine GPU job minutes.
        this.simulationDuration = Timer.builder("lto.simulation.duration").description("Simulation-only time of one attempt on a worker")
                .serviceLevelObjectives(java.util.stream.DoubleStream.of(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900)
                        .mapToObj(s -> java.time.Duration.ofMillis(Math.round(s * 1000))).toArray(java.time.Duration[]::new))
                .register(meters);
        this.workerName = consumerName.isBlank() ? hostName() : consumerName;
        this.failures = Counter.builder("lto.worker.simulation.failures")
                .description("Simulation attempts that ended in a simulator error").register(meters);
        for (String device : List.of("cpu", "gpu")) {
            AtomicInteger n = new AtomicInteger();
            busy.put(device, n);
            Gauge.builder("lto.worker.busy.slots", n, AtomicInteger::get).tag("device_class", device)
                    .description("Simulation slots of this worker busy now").register(meters);
        }
        for (SimulatorInterface adapter : adapters.all()) {
            progressSubscriptions.add(adapter.streamMetrics()
                    .filter(s -> running.containsKey(s.jobId()))
                    .subscribe(this::publishProgress, e -> log.warn("Progress stream of {} ended: {}", adapter.adapterType(), e.toString())));
        }
    }

    /** Handles one request message from {@code lto.sim.requests.<deviceClass>}. */
    public void handle(byte[] message, String deviceClass) {
        EventEnvelope<SimulationRequested> envelope = codec.read(message, SimulationRequested.class);
        if (!EventTypes.SIMULATION_REQUESTED.equals(envelope.type())) {
            throw new IllegalArgumentException("unexpected event type " + envelope.type() + " on a simulation request stream");
        }
        String stream = "gpu".equals(deviceClass) ? StreamNames.SIM_REQUESTS_GPU : StreamNames.SIM_REQUESTS_CPU;
        tracing.process(stream, envelope, envelope.payload().jobId(), () -> run(envelope.payload(), deviceClass));
    }

    private void run(SimulationRequested req, String deviceClass) {
        AtomicInteger slots = busy.get(deviceClass);
        slots.incrementAndGet();
        SimulationResult result = null;
        String error = null;
        long started = System.nanoTime();
        try {
            SimulatorInterface adapter = adapters.get(req.adapterType());
            result = tracing.inSpan("simulation.run", req.jobId(), () -> {
                running.put(req.jobId(), tracing.currentContext());
                return adapter.runJob(req.parameters());
            });
        } catch (RuntimeException | LinkageError | OutOfMemoryError e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            failures.increment();
            log.warn("Simulation of job {} attempt {} failed: {}", req.jobId(), req.attempt(), error);
        } finally {
            running.remove(req.jobId());
            slots.decrementAndGet();
            simulationDuration.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        Instant now = Instant.now();
        var finished = new SimulationFinished(req.jobId(), req.attempt(), "worker", workerName + "/" + deviceClass,
                result, error, now);
        // Event id per attempt: a redelivered request that runs again produces the same id downstream.
        // The run's context travels in the envelope itself, so an answer published later from the
        // outbox still joins the job's trace (empty without the agent).
        var answer = new EventEnvelope<>(req.jobId() + "/attempt-" + req.attempt() + "/result",
                EventTypes.SIMULATION_FINISHED, 1, now, req.jobId(), "intelligence-service/sim-worker", tracing.currentContext(), finished);
        try {
            publisher.publish(RESULTS_BINDING, answer);
        } catch (StreamPublishException e) {
            // The work is done: keep the answer on disk and free the slot; the outbox publishes it when Redis answers.
            outbox.keep(answer, e);
        }
    }

    /** Whether this worker is running the job now (pictures are stored for pipeline jobs, not campaign runs). */
    public boolean isRunning(String jobId) {
        return running.containsKey(jobId);
    }

    private void publishProgress(MetricSnapshot s) {
        try {
            // Published from the adapter's thread: the job's run context is passed explicitly.
            publisher.publish(PROGRESS_BINDING, new EventEnvelope<>(s.jobId() + "/progress/" + workerName + "/" + progressSeq.incrementAndGet(),
                    EventTypes.SIMULATION_PROGRESS, 1, s.timestamp(), s.jobId(), "intelligence-service/sim-worker",
                    running.getOrDefault(s.jobId(), Map.of()), s));
        } catch (RuntimeException e) {
            // Progress is advisory: losing a snapshot must not fail the job.
            log.debug("Progress of job {} not published: {}", s.jobId(), e.toString());
        }
    }

    @PreDestroy
    void stop() {
        progressSubscriptions.forEach(Disposable::dispose);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "worker";
        }
    }
}
