package dev.lto.intelligence.simulation;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Derives how long a simulation request may sit unacknowledged before another worker takes it
 * ({@code lto.worker.reclaim-after}, the binder's {@code min-idle-time} on the request streams) from the
 * orchestrator's run-time watchdog ({@code lto.pipeline.run-timeout}): a tenth of it, at least 30 s
 * (1 min with the default 10 min). A live worker renews the lease of the request it runs every third of
 * that (the binder's keeper), so a long simulation is never taken from a worker that is alive; a dead
 * worker's request is re-run well before the watchdog would count the attempt as failed. Set
 * {@code lto.worker.reclaim-after} to override.
 */
class WorkerLeaseEnvironment implements EnvironmentPostProcessor {

    static Duration reclaimAfter(Duration runTimeout) {
        Duration tenth = runTimeout.dividedBy(10);
        return tenth.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : tenth;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (env.containsProperty("lto.worker.reclaim-after")) {
            return;
        }
        Duration runTimeout = DurationStyle.detectAndParse(env.getProperty("lto.pipeline.run-timeout", "10m"));
        env.getPropertySources().addLast(new MapPropertySource("lto-worker-lease",
                Map.of("lto.worker.reclaim-after", reclaimAfter(runTimeout).toMillis() + "ms")));
    }
}
