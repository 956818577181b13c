package dev.lto.engine.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ChiSquareTest {

    @Test
    void quantilesMatchTables() {
        assertThat(ChiSquare.quantile(1, 0.95)).isCloseTo(3.8415, within(1e-3));
        assertThat(ChiSquare.quantile(9, 0.999)).isCloseTo(27.877, within(1e-2));
        assertThat(ChiSquare.quantile(18, 0.99)).isCloseTo(34.805, within(1e-2));
    }
}
