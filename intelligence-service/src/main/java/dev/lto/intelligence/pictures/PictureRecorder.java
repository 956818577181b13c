package dev.lto.intelligence.pictures;

import dev.lto.simulator.spi.SimulatorAdapters;
import dev.lto.simulator.spi.SimulatorInterface;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import reactor.core.Disposable;

/**
 * Stores a pipeline job's pictures when its simulator reports the job done (stage {@code done} of the
 * adapter's metric stream, emitted on the thread that ran the job once its artifacts exist), so the
 * files are on disk before the worker publishes the result. Runs the retention sweep on a schedule.
 * Pictures never fail a job: an error is logged and the job goes on without them.
 */
class PictureRecorder {

    private static final Logger log = LoggerFactory.getLogger(PictureRecorder.class);

    private final JobPictures pictures;
    private final List<Disposable> subscriptions = new ArrayList<>();

    /** {@code pipelineJob}: whether a job id is one a worker of this process runs (campaign jobs get no pictures). */
    PictureRecorder(SimulatorAdapters adapters, JobPictures pictures, Predicate<String> pipelineJob) {
        this.pictures = pictures;
        for (SimulatorInterface adapter : adapters.all()) {
            subscriptions.add(adapter.streamMetrics()
                    .filter(s -> "done".equals(s.stage()) && pipelineJob.test(s.jobId()))
                    .subscribe(s -> {
                        try {
                            adapter.artifacts(s.jobId()).ifPresent(a -> pictures.store(s.jobId(), a));
                        } catch (RuntimeException e) {
                            log.warn("Pictures of job {} not stored: {}", s.jobId(), e.toString());
                        }
                    }, e -> log.warn("Metric stream of {} ended: {}", adapter.adapterType(), e.toString())));
        }
    }

    @Scheduled(fixedDelayString = "${lto.pictures.sweep-interval:10m}", initialDelayString = "${lto.pictures.sweep-interval:10m}")
    void sweep() {
        pictures.sweep();
    }

    @PreDestroy
    void stop() {
        subscriptions.forEach(Disposable::dispose);
    }
}
