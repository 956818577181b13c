package dev.lto.intelligence.campaign;

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
 * physics-lite estimates to 1e-9. Fails when the simulator changed without the data being remade
 * (command in docs/ml.md §9).
 */
class ReferenceDataTest {

    /** Rows re-simulated: the cheapest ones of each imaging path, so the check costs seconds. */
    static final int ROWS_PER_PATH = 2;

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
            for (String path : List.of("abbe", "socs")) {
                List<CampaignSample> cheapest = samples.stream().filter(s -> path.equals(s.imagingPath()))
                        .sorted(Comparator.comparingDouble(CampaignSample::computeTimeS)).limit(ROWS_PER_PATH).toList();
                assertThat(cheapest).hasSize(ROWS_PER_PATH);
                for (CampaignSample s : cheapest) {
                    SimulationResult r = physics.runJob(s.parameters());
                    assertThat(r.tradeoffSignals().toArray()).as("signals of %s", s.parameters().jobId())
                            .containsExactly(s.signals(), within(1e-9));
                    var x = physics.intermediatesOf(r).orElseThrow();
                    assertThat(new double[] {x.patternFidelity(), x.depthOfFocusNm(), x.failureProbability(), x.edgeLogSlope()})
                            .as("intermediates of %s", s.parameters().jobId())
                            .containsExactly(new double[] {s.intermediates().patternFidelity(), s.intermediates().depthOfFocusNm(),
                                    s.intermediates().failureProbability(), s.intermediates().edgeLogSlope()}, within(1e-9));
                    LiteEstimate lite = physics.estimateSignals(s.parameters()).orElseThrow();
                    assertThat(lite.fidelity()).isEqualTo(s.lite().fidelity());
                    assertThat(lite.signals().toArray()).as("physics-lite of %s", s.parameters().jobId())
                            .containsExactly(s.lite().signals().toArray(), within(1e-9));
                }
            }
        } finally {
            ds.destroy();
        }
    }
}
