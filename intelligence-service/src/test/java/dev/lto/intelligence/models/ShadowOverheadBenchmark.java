package dev.lto.intelligence.models;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lto.contracts.JobParameters;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.models.TestData;
import dev.lto.engine.serving.TradeoffEngine;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.intelligence.preflight.PreflightGate;
import dev.lto.simulator.spi.SimulatorInterface;
import dev.lto.testsupport.TestRedis;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The shadow's cost on a preflight with production-size models (docs/ml.md §13, shadow): the service starts empty,
 * imports the shipped reference campaign and trains v1 with the default settings; a second model v2 is trained on
 * the same campaign (another registry version, the same size) and loaded beside it as the shadow directly (the
 * benchmark measures the cost of predicting beside, not the gates). Then {@code gate.decide} on the same 300 random
 * jobs, without and with the shadow, after a warm-up round of both (physics-lite estimates are remembered from the
 * warm-up, so the times are the first stages', the gate's and the shadow's). Not part of the build (the name does not
 * end in Test):
 * {@code ./mvnw -o -q -pl intelligence-service -am test -Dtest=ShadowOverheadBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {"lto.drift.interval=1h",
        "lto.models.retrain.cron=-", "lto.models.shadow.sync-interval=1h"})
class ShadowOverheadBenchmark {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) throws Exception {
        TestRedis.shared().registerSpringProperties(registry::add);
        registry.add("lto.data-dir", Files.createTempDirectory("lto-shadow-bench")::toString);
    }

    @Autowired
    ModelService models;
    @Autowired
    CampaignStore campaigns;
    @Autowired
    PreflightGate gate;

    @Test
    void preflightWithAndWithoutAProductionSizeShadow() throws Exception {
        long t0 = System.nanoTime();
        while (!"v1".equals(models.currentVersion())) {
            assertThat(System.nanoTime() - t0).isLessThan(Duration.ofMinutes(20).toNanos());
            Thread.sleep(1000);
        }
        TradeoffEngine engine = models.engine();
        List<CampaignSample> samples = new ArrayList<>();
        engine.servingCampaigns().forEach(id -> samples.addAll(campaigns.load(id)));
        TradeoffEngine.Registered v2 = engine.trainAndRegister(samples);
        SimulatorInterface adapter = models.adapter().orElseThrow();

        SplittableRandom random = new SplittableRandom(11);
        List<JobParameters> jobs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            jobs.add(TestData.randomJob(random, "bench_" + i));
        }
        long[][] ns = new long[2][jobs.size()];
        for (int round = -1; round < 1; round++) { // round -1: warm-up of both
            for (int on = 0; on < 2; on++) {
                if (on == 1) {
                    engine.loadShadow(v2.version());
                } else {
                    engine.dropShadow();
                }
                for (int i = 0; i < jobs.size(); i++) {
                    long t = System.nanoTime();
                    gate.decide(jobs.get(i), adapter, true).orElseThrow();
                    if (round >= 0) {
                        ns[on][i] = System.nanoTime() - t;
                    }
                }
            }
        }
        for (int on = 0; on < 2; on++) {
            long[] t = ns[on].clone();
            Arrays.sort(t);
            System.out.printf(Locale.ROOT, "SHADOW OVERHEAD (production size, %d training jobs): preflight %s shadow: median %.3f ms,"
                            + " p90 %.3f ms, p99 %.3f ms over %d jobs%n", samples.size(), on == 1 ? "with" : "without",
                    t[t.length / 2] / 1e6, t[(int) Math.ceil(0.9 * t.length) - 1] / 1e6, t[(int) Math.ceil(0.99 * t.length) - 1] / 1e6,
                    t.length);
        }
        assertThat(engine.shadowVersion()).hasValue(v2.version());
    }
}
