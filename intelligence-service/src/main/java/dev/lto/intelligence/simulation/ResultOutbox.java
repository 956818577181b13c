package dev.lto.intelligence.simulation;

import dev.lto.contracts.events.EventEnvelope;
import dev.lto.contracts.events.SimulationFinished;
import dev.lto.platform.streams.EnvelopeCodec;
import dev.lto.platform.streams.EventPublisher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A worker's durable outbox for simulation results it could not publish (Redis down or unreachable):
 * the finished envelope goes to a file under {@code ${lto.data-dir}/worker-outbox/} (written, forced
 * to disk, then renamed into place) and the request is acknowledged, so the slot is free at once and
 * a finished simulation is never run again for want of a stream. Every
 * {@code lto.worker.outbox-retry-interval} (1 s) the files are published in the order they were
 * written and deleted once XADD succeeded; at start, what a previous run left is published too. A
 * file published twice (a crash between XADD and delete) is one more answer for the same attempt,
 * which the orchestrator ignores.
 */
@Component
class ResultOutbox {

    private static final Logger log = LoggerFactory.getLogger(ResultOutbox.class);

    private final Path dir;
    private final EventPublisher publisher;
    private final EnvelopeCodec codec;
    private Instant waitingSince;
    private long lastWarnNanos;

    ResultOutbox(@Value("${lto.data-dir}") Path dataDir, EventPublisher publisher, EnvelopeCodec codec, MeterRegistry meters) {
        this.dir = dataDir.resolve("worker-outbox");
        this.publisher = publisher;
        this.codec = codec;
        Gauge.builder("lto.worker.outbox.results", this, ResultOutbox::size)
                .description("Simulation results finished on this worker and waiting to be published").register(meters);
    }

    /** Keeps an unpublished result durably; throws only when even the disk refuses (the request then stays pending). */
    void keep(EventEnvelope<SimulationFinished> envelope, RuntimeException why) {
        try {
            Files.createDirectories(dir);
            String name = System.currentTimeMillis() + "-" + envelope.eventId().replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
            Path tmp = dir.resolve(name + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(codec.write(envelope)));
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("result " + envelope.eventId() + " could neither be published nor kept", e);
        }
        synchronized (this) {
            if (waitingSince == null) {
                waitingSince = Instant.now();
            }
        }
        log.warn("Result of job {} ({}) not published ({}); kept in the worker outbox {}, published when the stream answers",
                envelope.payload().jobId(), envelope.eventId(), why.getMessage(), dir);
    }

    int size() {
        return pending().size();
    }

    private List<Path> pending() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Scheduled(fixedDelayString = "${lto.worker.outbox-retry-interval:1s}")
    synchronized void publishHeld() {
        List<Path> held = pending();
        if (held.isEmpty()) {
            return;
        }
        int published = 0;
        for (Path file : held) {
            try {
                EventEnvelope<SimulationFinished> envelope = codec.read(Files.readAllBytes(file), SimulationFinished.class);
                publisher.publish(SimulationWorker.RESULTS_BINDING, envelope);
                Files.deleteIfExists(file);
                published++;
            } catch (IOException e) {
                log.error("Worker outbox file {} cannot be read; left in place: {}", file, e.toString());
            } catch (RuntimeException e) {
                long now = System.nanoTime();
                if (lastWarnNanos == 0 || now - lastWarnNanos > Duration.ofSeconds(10).toNanos()) {
                    lastWarnNanos = now;
                    log.warn("{} simulation result(s) wait in the worker outbox{}: the results stream does not take them ({})",
                            held.size() - published, waitingSince == null ? "" : " since " + waitingSince, e.getMessage());
                }
                break;
            }
        }
        if (published > 0) {
            log.info("Published {} simulation result(s) held in the worker outbox{}", published,
                    waitingSince == null ? "" : " (waiting since " + waitingSince + ")");
            if (published == held.size()) {
                waitingSince = null;
                lastWarnNanos = 0;
            }
        }
    }
}
