package dev.lto.simulator.physics.optics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.simulator.physics.resist.Stochastics;
import org.junit.jupiter.api.Test;

class StochasticsTest {

    @Test
    void photonEnergiesAndCountsPerMj() {
        assertThat(Stochastics.photonEnergyEv(13.5)).isCloseTo(91.8, within(0.1));
        assertThat(Stochastics.photonEnergyEv(193)).isCloseTo(6.42, within(0.01));
        assertThat(Stochastics.photonEnergyEv(248)).isCloseTo(5.0, within(0.01));
        assertThat(Stochastics.photonsPerNm2PerMjCm2(13.5)).isCloseTo(0.68, within(0.005));
        assertThat(Stochastics.photonsPerNm2PerMjCm2(193)).isCloseTo(9.7, within(0.05));
        // EUV photons are 14× scarcer than ArF photons at the same dose.
        assertThat(Stochastics.photonsPerNm2PerMjCm2(193) / Stochastics.photonsPerNm2PerMjCm2(13.5))
                .isCloseTo(193 / 13.5, within(1e-9));
    }

    @Test
    void tailIsAccurate() {
        assertThat(Stochastics.upperTail(0)).isCloseTo(0.5, within(1e-12));
        assertThat(Stochastics.upperTail(1.959963985)).isCloseTo(0.025, within(1e-9));
        assertThat(Stochastics.upperTail(6)).isCloseTo(9.865876450377e-10, within(1e-19));
        assertThat(Stochastics.upperTail(-3)).isCloseTo(1 - 1.349898031630e-3, within(1e-12));
    }

    @Test
    void failureFallsSteeplyWithDose() {
        double prev = 1;
        for (double dose : new double[] {10, 20, 30, 60}) {
            double p = Stochastics.failureProbability(dose, 13.5, 30, 0.5 * 16 * 16, 0.3, 0.6, 0.08, 10);
            assertThat(p).isLessThan(prev);
            prev = p;
        }
        assertThat(Stochastics.failureProbability(30, 13.5, 30, 128, 0.3, 0.25, 0.1, 10)).isEqualTo(1.0);
    }
}
