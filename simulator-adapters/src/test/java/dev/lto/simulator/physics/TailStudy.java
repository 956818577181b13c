package dev.lto.simulator.physics;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.simulator.physics.optics.SocsBuilder;
import dev.lto.simulator.physics.optics.SocsKernels;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Measures the TCC energy tail 1 − E_K over shapes, σ and lattice pitch (run with -Dlto.study=true). */
@EnabledIfSystemProperty(named = "lto.study", matches = "true")
class TailStudy {

    @Test
    void tails() {
        StringBuilder out = new StringBuilder("shape sigma step S K tail\n");
        for (double step : new double[] {0.05, 0.1, 0.0707}) {
            PhysicsSimulator sim = new PhysicsSimulator(PhysicsSimulatorProperties.defaults()
                    .withSource(new PhysicsSimulatorProperties.Source(step, 8, 1024)));
            for (String shape : new String[] {"conventional", "annular", "dipole", "quasar"}) {
                for (double sigma = 0.1; sigma <= 1.0001; sigma += step == 0.05 ? 0.1 : 0.15) {
                    JobParameters p = new JobParameters("t", 0.33, 13.5, 30.0, sigma, 30.0, 2.0,
                            PatternComplexity.SIMPLE, true, 1, null, null, null, Map.of("illumination", shape));
                    PhysicsSimulator.Setup s = sim.setup(p);
                    SocsKernels k = SocsBuilder.build(s.optical(0), s.source(), 64, 16, 1);
                    for (int kk : new int[] {4, 8, 12, 16, 24, 32, 48, 64}) {
                        out.append(String.format(Locale.ROOT, "%s %.3f %.4f %d %d %.6e%n", shape, sigma, step,
                                s.source().size(), kk, 1 - k.energyFraction(kk)));
                    }
                }
            }
        }
        System.out.print(out);
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("target/tail-study.txt"), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
