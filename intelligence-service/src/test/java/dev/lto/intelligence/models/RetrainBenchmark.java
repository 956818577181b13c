package dev.lto.intelligence.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.engine.lifecycle.Retraining;
import dev.lto.testsupport.TestRedis;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Retrain wall time at the shipped reference campaign's size with the default model settings: the service
 * starts empty, imports the reference campaign and trains its first stage, then one retrain run (campaign
 * jobs + an empty training buffer, gates, comparison with production) is timed from start to outcome.
 * Not part of the build (the name does not end in Test):
 * {@code ./mvnw -o -q -pl intelligence-service -am test -Dtest=RetrainBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"lto.drift.interval=1h",
        "lto.models.retrain.cron=-"})
class RetrainBenchmark {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-retrain-bench")::toString);
    }

    @Autowired
    ModelService models;
    @Autowired
    Retraining retraining;

    @Test
    void retrainWallTimeOnTheReferenceCampaign() throws Exception {
        long t0 = System.nanoTime();
        while (!(models.currentVersion() != null && models.currentVersion().startsWith("v"))) {
            assertThat(System.nanoTime() - t0).isLessThan(Duration.ofMinutes(20).toNanos());
            Thread.sleep(1000);
        }
        double first = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        Retraining.Run run = retraining.start("api", "benchmark", "wall time at the reference campaign's size");
        while (retraining.find(run.runId()).orElseThrow().state() == Retraining.State.RUNNING) {
            Thread.sleep(200);
        }
        double wall = (System.nanoTime() - t1) / 1e9;
        Retraining.Run done = retraining.find(run.runId()).orElseThrow();
        System.out.printf("RETRAIN BENCHMARK: first start (import + first stage) %.1f s; retrain run %.1f s wall (training %.1f s)"
                        + " on %d campaign jobs; outcome %s %s%n", first, wall, done.trainSeconds(),
                done.provenance().campaignJobs(), done.state(), done.reasons());
    }
}
