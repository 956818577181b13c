package dev.lto.intelligence.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The tolerance the shadow is judged with: the Wilson score interval against hand-computed values. */
class ShadowTrialTest {

    @Test
    void wilsonIntervalMatchesHandComputedValues() {
        // p̂ = 0.5, n = 100, z = 1.96: (0.5192 ± 0.0999) / 1.0384 = 0.40383 … 0.59617 (rounded outward to 4 decimals).
        assertThat(ShadowTrial.wilson(0.5, 100, 1.96)).containsExactly(0.4038, 0.5962);
        // Every pair accurate over 20 jobs at 99%: the lower end is 1 / (1 + z²/n) = 0.75089, the upper end 1.
        double[] all = ShadowTrial.wilson(1.0, 20, ShadowTrial.Z99);
        assertThat(all[0]).isEqualTo(0.7508);
        assertThat(all[1]).isEqualTo(1.0);
        // None accurate over 20 jobs: 0 … (z²/n) / (1 + z²/n) = 0.24911: an offline 0.98 lies outside.
        assertThat(ShadowTrial.wilson(0.0, 20, ShadowTrial.Z99)[1]).isCloseTo(0.2492, within(1e-4));
        // The docs' example: p̂ = 0.975 over 200 jobs at 99%.
        assertThat(ShadowTrial.wilson(0.975, 200, ShadowTrial.Z99)).containsExactly(0.9278, 0.9917);
    }
}
