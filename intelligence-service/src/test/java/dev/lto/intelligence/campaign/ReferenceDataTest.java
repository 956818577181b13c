package dev.lto.intelligence.campaign;

import dev.lto.engine.data.CampaignSample;
import org.assertj.core.api.SoftAssertions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.physics.PhysicsSimulator;
import dev.lto.simulator.physics.PhysicsSimulatorProperties;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SimulatorAdapters;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The reference campaign shipped in the jar is what today's simulator computes: it imports into a
 * fresh store, and a sample of its rows re-simulated now gives the stored signals, intermediates and
 * physics-lite estimates to float32 rounding (1e-4 of their scale). Fails when the simulator changed without the data being remade
 * (command in docs/ml.md §9).
 */
class ReferenceDataTest {

    /** Rows re-simulated: the cheapest ones of each imaging path, so the check costs seconds. */
    static final int ROWS_PER_PATH = 2;
    /*
     * The imaging runs in float32 on PyTorch's CPU kernels, whose rounding differs by instruction set
     * (AVX2 vs AVX-512, FMA order), so a re-simulation on another machine agrees to float32 rounding
     * carried through the FFTs, not bit for bit: seen up to 5.3e-6 (edge_log_slope of ref5000_565) on
     * an AMD EPYC without AVX-512. 1e-4 of a value's scale (at least 1) is far below any change of the
     * simulator's physics.
     */
    static final double ACROSS_MACHINES = 1e-4;

    @Test
    void theShippedReferenceCampaignIsCurrent(@TempDir Path dir) {
        PhysicsSimulator physics = new PhysicsSimulator(PhysicsSimulatorProperties.defaults());
        JsonMapper json = JsonMapper.builder().build();
        SingleConnectionDataSource ds = DuckDbTestSupport.dataSource(dir);
        try {
            JdbcClient jdbc = JdbcClient.create(ds);
            CampaignStore store = DuckDbTestSupport.store(jdbc);
            ReferenceData reference = new ReferenceData(jdbc, store, new SimulatorAdapters(List.of(physics)), json,
                    "classpath:reference/");
            ReferenceData.Manifest man = reference.manifest().orElseThrow(() -> new AssertionError("no reference data in the jar"));
            assertThat(man.simulatorVersion()).as("reference data simulated by %s, the simulator is %s: remake it (docs/ml.md §9)",
                    man.simulatorVersion(), PhysicsSimulator.VERSION).isEqualTo(PhysicsSimulator.VERSION);
            List<CampaignSample> samples = reference.load(man.adapterType()).orElseThrow();
            assertThat(samples).hasSize(man.samples()).allMatch(s -> s.split() != null && s.intermediates() != null && s.lite() != null);
            assertThat(samples.stream().filter(CampaignSample::critical).count() / (double) samples.size())
                    .isCloseTo(man.criticalShare(), within(1e-9));
            var soft = new SoftAssertions(); // every row's differences in one report
            for (String path : List.of("abbe", "socs")) {
                List<CampaignSample> cheapest = samples.stream().filter(s -> path.equals(s.imagingPath()))
                        .sorted(Comparator.comparingDouble(CampaignSample::computeTimeS)).limit(ROWS_PER_PATH).toList();
                assertThat(cheapest).hasSize(ROWS_PER_PATH);
                for (CampaignSample s : cheapest) {
                    SimulationResult r = physics.runJob(s.parameters());
                    agree(soft, "signals of " + s.parameters().jobId(), r.tradeoffSignals().toArray(), s.signals());
                    var x = physics.intermediatesOf(r).orElseThrow();
                    agree(soft, "intermediates of " + s.parameters().jobId(),
                            new double[] {x.patternFidelity(), x.depthOfFocusNm(), x.failureProbability(), x.edgeLogSlope()},
                            new double[] {s.intermediates().patternFidelity(), s.intermediates().depthOfFocusNm(),
                                    s.intermediates().failureProbability(), s.intermediates().edgeLogSlope()});
                    LiteEstimate lite = physics.estimateSignals(s.parameters()).orElseThrow();
                    soft.assertThat(lite.fidelity()).isEqualTo(s.lite().fidelity());
                    agree(soft, "physics-lite of " + s.parameters().jobId(), lite.signals().toArray(), s.lite().signals().toArray());
                }
            }
            soft.assertAll();
        } finally {
            ds.destroy();
        }
    }

    private static void agree(SoftAssertions soft, String what, double[] actual, double[] stored) {
        soft.assertThat(actual).as(what).hasSameSizeAs(stored);
        for (int i = 0; i < Math.min(actual.length, stored.length); i++) {
            soft.assertThat(actual[i]).as("%s [%d]", what, i)
                    .isCloseTo(stored[i], within(ACROSS_MACHINES * Math.max(1, Math.abs(stored[i]))));
        }
    }
}
