package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.contracts.PatternComplexity;
import dev.lto.simulator.physics.mask.MaskLayout;
import dev.lto.simulator.physics.mask.PatternCatalogue;
import dev.lto.simulator.physics.mask.Rect;
import org.junit.jupiter.api.Test;

class PatternCatalogueTest {

    @Test
    void everyClassAndComplexityBuildsAScaledTile() {
        for (int cls = 1; cls <= 20; cls++) {
            for (PatternComplexity c : PatternComplexity.values()) {
                MaskLayout a = PatternCatalogue.layout(cls, c, 13.5, 0.33, 16, 2.5);
                MaskLayout b = PatternCatalogue.layout(cls, c, 193, 0.5, 16, 2.5);
                double k1 = PatternCatalogue.entry(cls).k1();
                assertThat(a.targetCdNm()).isCloseTo(k1 * 13.5 / 0.33, within(1e-9));
                assertThat(a.features()).isNotEmpty().hasSameSizeAs(b.features());
                for (Rect r : a.features()) {
                    assertThat(r.x0()).isGreaterThanOrEqualTo(a.guardNm() - 1e-9);
                    assertThat(r.x1()).isLessThanOrEqualTo(a.tileNm() - a.guardNm() + 1e-9);
                    assertThat(r.x1()).isGreaterThan(r.x0());
                    assertThat(r.y1()).isGreaterThan(r.y0());
                }
                // Same pattern in units of λ/NA at another wavelength.
                double s = (193 / 0.5) / (13.5 / 0.33);
                assertThat(b.features().get(0).x0()).isCloseTo(a.features().get(0).x0() * s, within(1e-6));
            }
        }
    }

    @Test
    void complexityAddsEnvironment() {
        int simple = PatternCatalogue.layout(5, PatternComplexity.SIMPLE, 13.5, 0.33, 16, 2.5).features().size();
        int extreme = PatternCatalogue.layout(5, PatternComplexity.EXTREME, 13.5, 0.33, 16, 2.5).features().size();
        assertThat(extreme).isGreaterThan(simple);
    }
}
