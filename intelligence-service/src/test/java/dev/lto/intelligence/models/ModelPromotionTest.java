package dev.lto.intelligence.models;

import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Criticality;
import dev.lto.engine.data.Split;
import dev.lto.engine.evaluation.ModelMetrics;
import dev.lto.engine.models.TestData;
import dev.lto.engine.registry.ModelStore;
import dev.lto.engine.models.FakePhysics;
import dev.lto.engine.registry.ModelRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.intelligence.campaign.CampaignStore;
import dev.lto.intelligence.campaign.DuckDbTestSupport;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SimulatorAdapters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Promotion beyond the first bootstrap, through the train path ({@code ModelService.trainRegisterPromote},
 * what the {@code train} command runs) on the fake adapter, with the real registry and artifact store on
 * DuckDB: the bootstrap model serves although it fails the gates; a model that passes every gate replaces
 * it; a later model that fails the gates stays shadow while the passing one keeps serving, also after a restart.
 */
class ModelPromotionTest {

    private final FakePhysics fake = new FakePhysics();

    @Test
    void aModelPassingEveryGateIsPromotedAndALaterOneFailingThemStaysShadow(@TempDir Path dir) {
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        try {
            JdbcClient jdbc = JdbcClient.create(ds);
            ModelRegistry registry = new ModelRegistry(jdbc, new TransactionTemplate(new DataSourceTransactionManager(ds)));
            ModelService service = service(jdbc, registry, dir);

            // v1: the bootstrap (too few held-out jobs for the evidence gate): it serves, nothing else could.
            ModelMetrics m1 = service.trainRegisterPromote(TestData.samples(300, 41), "bootstrap: no production model existed");
            assertThat(failed(m1)).contains("held_out_jobs");
            assertThat(service.currentVersion()).isEqualTo("v1");

            // v2: ≥ 1000 held-out jobs on which the cascade is accurate and calibrated: every gate passes.
            ModelMetrics m2 = service.trainRegisterPromote(passingCampaign(), "train command");
            assertThat(m2.allGatesPassed()).as("precondition: every gate passes %s", m2.gates()).isTrue();
            assertThat(service.currentVersion()).isEqualTo("v2");

            // v3: fails the gates (too few held-out jobs again, among others): it is registered, and stays shadow.
            ModelMetrics m3 = service.trainRegisterPromote(TestData.samples(300, 43), "train command");
            assertThat(failed(m3)).contains("held_out_jobs");
            assertThat(service.currentVersion()).isEqualTo("v2");

            assertThat(registry.all()).extracting(ModelRegistry.Entry::version, ModelRegistry.Entry::status)
                    .containsExactlyInAnyOrder(tuple("v1", "retired"), tuple("v2", "production"), tuple("v3", "shadow"));
            assertThat(registry.production().orElseThrow().version()).isEqualTo("v2");
            assertThat(registry.find("v2").orElseThrow().overallAccuracy()).isEqualTo(m2.accuracy());
            assertThat(registry.find("v3").orElseThrow().deployedAt()).isNull();
            List<List<String>> deployments = jdbc.sql("SELECT version, event, reason FROM model_deployments")
                    .query((rs, i) -> List.of(rs.getString(1), rs.getString(2), rs.getString(3))).list();
            assertThat(deployments).containsExactlyInAnyOrder(
                    List.of("v1", "registered", "status shadow"),
                    List.of("v1", "production", "bootstrap: no production model existed; promoted although gates failed (nothing else to serve)"),
                    List.of("v2", "registered", "status shadow"),
                    List.of("v1", "retired", "replaced by v2"),
                    List.of("v2", "production", "all gates passed"),
                    List.of("v3", "registered", "status shadow"));

            // A restart serves what the registry says: v2, from its stored artifact.
            ModelService restarted = service(jdbc, registry, dir);
            assertThat(restarted.loadProduction()).isTrue();
            assertThat(restarted.currentVersion()).isEqualTo("v2");
            assertThat(restarted.metrics().orElseThrow().allGatesPassed()).isTrue();
        } finally {
            ds.destroy();
        }
    }

    private static List<String> failed(ModelMetrics m) {
        return m.gates().stream().filter(g -> !g.passed()).map(ModelMetrics.Gate::name).toList();
    }

    ModelService service(JdbcClient jdbc, ModelRegistry registry, Path dir) {
        SimulatorAdapters adapters = new SimulatorAdapters(List.of(fake));
        CampaignStore campaigns = DuckDbTestSupport.store(jdbc);
        return new ModelService(ModelProperties.of(TestData.smallModels(), new ModelProperties.Bootstrap(false, 40, 1)), DuckDbTestSupport.spec(300, 1), DuckDbTestSupport.campaign(fake, campaigns),
                new ModelStore(dir, JsonMapper.builder().build()), registry, DuckDbTestSupport.reference(jdbc, campaigns, adapters),
                adapters, "");
    }

    /**
     * 3600 jobs of the fake with a physics-lite estimate good everywhere (each signal off by Gaussian noise of
     * sd 0.004, which its error estimate states), split so that 35% (~1260 jobs) are held out for the gates.
     */
    static List<CampaignSample> passingCampaign() {
        SplittableRandom r = new SplittableRandom(42);
        List<CampaignSample> out = new ArrayList<>();
        for (int i = 0; i < 3600; i++) {
            JobParameters p = TestData.randomJob(r, "p_" + i);
            double[] s = FakePhysics.signals(p).toArray();
            double k1 = FakePhysics.k1(p);
            double u = r.nextDouble();
            Split split = u < 0.3 ? Split.TRAIN : u < 0.55 ? Split.CALIBRATION : u < 0.65 ? Split.VALIDATION : Split.TEST;
            double sd = 0.004;
            double[] lite = new double[6];
            for (int j = 0; j < 6; j++) {
                double n = sd * gaussian(r);
                lite[j] = s[j] + n >= 0 && s[j] + n <= 1 ? s[j] + n : s[j] - n; // reflected: the error keeps its size
            }
            double[] err = {sd, sd, sd, sd, sd, sd};
            out.add(new CampaignSample("passing", i, "base", split, p, s, k1, Criticality.isCritical(s, k1), "fake", 0,
                    FakePhysics.intermediates(p), new LiteEstimate(new TradeoffSignals(lite[0], lite[1], lite[2], lite[3],
                    lite[4], lite[5]), FakePhysics.intermediates(p), err, "test-lite", 1e-4)));
        }
        return out;
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
