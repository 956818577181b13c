package dev.lto.engine.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinnedReferenceTest {

    @Test
    void aContinuousFeatureGetsTenQuantileBinsOfEqualShare() {
        double[] v = new SplittableRandom(1).doubles(5_000).toArray();
        BinnedReference ref = BinnedReference.fit("na", v, 10);
        assertThat(ref.bins()).isEqualTo(10);
        assertThat(ref.proportions()).containsOnly(0.1);
        assertThat(ref.size()).isEqualTo(5_000);
        assertThat(ref.edges()[4]).isCloseTo(0.5, within(0.03));
        assertThat(Psi.of(ref, v)).isEqualTo(0.0);
    }

    @Test
    void binsAreClosedAboveSoThatAnEdgeValueStaysInItsBin() {
        BinnedReference ref = new BinnedReference("x", new double[] {1, 2}, new double[] {0.2, 0.3, 0.5}, 10);
        assertThat(ref.bin(0.5)).isZero();
        assertThat(ref.bin(1)).isZero();
        assertThat(ref.bin(1.0001)).isEqualTo(1);
        assertThat(ref.bin(2)).isEqualTo(1);
        assertThat(ref.bin(7)).isEqualTo(2);
        assertThat(ref.shares(new double[] {0, 1, 2, 3, Double.NaN})).containsExactly(0.5, 0.25, 0.25);
    }

    @Test
    void aFeatureWithFewValuesGetsOneBinPerValue() {
        // job class 0..7 with unequal shares: quantile edges would merge classes, one bin per value does not
        SplittableRandom rng = new SplittableRandom(2);
        double[] v = new double[4_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble() < 0.5 ? 3 : rng.nextInt(8);
        }
        BinnedReference ref = BinnedReference.fit("job_class", v, 10);
        assertThat(ref.edges()).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(ref.proportions()[3]).isCloseTo(0.5625, within(0.02));
        double[] onlyClass3 = new double[200];
        java.util.Arrays.fill(onlyClass3, 3);
        assertThat(Psi.of(ref, onlyClass3)).isGreaterThan(1);
    }

    @Test
    void tiesInAContinuousFeatureMergeEdges() {
        // 40% of the values at one point: its quantile edges coincide and are merged
        SplittableRandom rng = new SplittableRandom(3);
        double[] v = new double[5_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextDouble() < 0.4 ? 0 : rng.nextDouble();
        }
        BinnedReference ref = BinnedReference.fit("yield_risk", v, 10);
        assertThat(ref.bins()).isBetween(6, 8);
        assertThat(ref.proportions()[0]).isCloseTo(0.4, within(0.02));
        double sum = 0;
        for (double p : ref.proportions()) {
            sum += p;
        }
        assertThat(sum).isCloseTo(1, within(1e-12));
    }

    @Test
    void aConstantFeatureDetectsAnyNewValue() {
        BinnedReference ref = BinnedReference.fit("priority", new double[] {5, 5, 5, 5}, 10);
        assertThat(ref.edges()).containsExactly(5);
        assertThat(ref.proportions()).containsExactly(1, 0);
        assertThat(Psi.of(ref, new double[] {5, 5})).isZero();
        assertThat(Psi.of(ref, new double[] {5, 9})).isGreaterThan(1);
    }

    @Test
    void emptyBinsAreFlooredNotInfinite() {
        double psi = Psi.of(new double[] {0.5, 0.5}, new double[] {1, 0});
        // (1 − 0.5)·ln 2 + (1e-4 − 0.5)·ln(1e-4/0.5)
        assertThat(psi).isCloseTo(0.5 * Math.log(2) + (Psi.FLOOR - 0.5) * Math.log(Psi.FLOOR / 0.5), within(1e-12));
    }

    @Test
    void referencesAreChecked() {
        assertThatThrownBy(() -> new BinnedReference("x", new double[] {2, 1}, new double[] {0.3, 0.3, 0.4}, 10))
                .hasMessageContaining("increase");
        assertThatThrownBy(() -> BinnedReference.fit("x", new double[] {1, Double.NaN}, 10)).hasMessageContaining("finite");
    }
}
