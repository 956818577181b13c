package dev.lto.simulator.physics.optics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PHYSICS.md "Source sampling": F, the share of the source whose first diffraction order of a 1-D
 * grating of pitch p enters the pupil, |s + λ/(p·NA)·x̂| ≤ 1 in σ units, computed from the sampled
 * source as Σ_s w_s·pass_s (the same weights and soft pupil rim the imaging uses), must match the
 * exact integral over the shape for every pitch at least 0.05 σ-units from the cut-off, on both
 * sides of it, for each illumination shape. The reference is independent of {@link SourceCells}:
 * the circle–circle closed form (conventional, annular) and a converged 1-D polar integral
 * (every shape; checked against the closed form).
 */
class SourceIntegrationTest {

    static final double STEP = 0.05; // the default lattice pitch

    static final Map<String, IlluminationSpec> SHAPES = Map.of(
            "conventional 0.3", IlluminationSpec.conventional(0.3),
            "conventional 0.5", IlluminationSpec.conventional(0.5),
            "conventional 0.8", IlluminationSpec.conventional(0.8),
            "conventional 1.0", IlluminationSpec.conventional(1.0),
            "annular 0.5-0.8", IlluminationSpec.fromJob(0.8, Map.of("illumination", "annular", "sigma_inner", 0.5)),
            "annular 0.63-0.9", IlluminationSpec.fromJob(0.9, Map.of("illumination", "annular", "sigma_inner", 0.63)),
            "dipole_x 0.48-0.8 40deg", IlluminationSpec.fromJob(0.8, Map.of("illumination", "dipole")),
            "dipole_y 0.42-0.7 40deg", IlluminationSpec.fromJob(0.7, Map.of("illumination", "dipole_y")),
            "quasar 0.48-0.8 30deg", IlluminationSpec.fromJob(0.8, Map.of("illumination", "quasar")),
            "quasar 0.3-0.5 60deg", IlluminationSpec.fromJob(0.5, Map.of("illumination", "quasar", "pole_angle_deg", 60)));

    @Test
    void firstOrderShareMatchesTheExactIntegralAcrossTheCutOff() {
        StringBuilder report = new StringBuilder();
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, IlluminationSpec> e : SHAPES.entrySet()) {
            IlluminationSpec spec = e.getValue();
            Source src = Source.sample(spec, STEP, 8);
            double cutOff = cutOffShift(spec);
            double worst = 0;
            double worstAt = Double.NaN;
            int checked = 0;
            // Pupil shift d = λ/(p·NA) from well inside (F → 1) to 0.3 beyond the cut-off (F = 0).
            for (double d = 0.05; d <= cutOff + 0.3; d += 0.0037) {
                double fSrc = 0;
                for (int i = 0; i < src.size(); i++) {
                    fSrc += src.weight()[i] * src.pass(i, d, 0);
                }
                double fRef = referenceF(spec, d);
                double dist = Math.abs(cutOff - d);
                if (d >= cutOff + 0.05 || fRef == 0) {
                    // Beyond the cut-off nothing passes (to rounding; the cut-off itself is sampled to ~1e-3).
                    if (d >= cutOff + 0.005 && fSrc > 1e-12) {
                        failures.add(String.format(Locale.ROOT, "%s d=%.4f beyond cut-off %.4f: F=%.3e, want 0",
                                e.getKey(), d, cutOff, fSrc));
                    }
                    continue;
                }
                if (dist < 0.05) {
                    continue;
                }
                checked++;
                double rel = Math.abs(fSrc / fRef - 1);
                if (rel > worst) {
                    worst = rel;
                    worstAt = d;
                }
                if (rel > 0.01) {
                    failures.add(String.format(Locale.ROOT, "%s d=%.4f (%.3f from cut-off): F=%.6f ref=%.6f (%.2f%%)",
                            e.getKey(), d, dist, fSrc, fRef, 100 * rel));
                }
            }
            report.append(String.format(Locale.ROOT, "%-26s points %4d cut-off shift %.4f pitches %3d max |dF/F| %.2e at d=%.4f%n",
                    e.getKey(), src.size(), cutOff, checked, worst, worstAt));
            assertThat(checked).as(e.getKey()).isGreaterThan(20);
        }
        System.out.print(report);
        assertThat(failures).as(report.toString()).isEmpty();
    }

    @Test
    void weightsAreNormalisedAndPointSymmetric() {
        for (Map.Entry<String, IlluminationSpec> e : SHAPES.entrySet()) {
            Source src = Source.sample(e.getValue(), STEP, 8);
            double sum = 0;
            for (double w : src.weight()) {
                assertThat(w).isPositive();
                sum += w;
            }
            assertThat(sum).as(e.getKey()).isCloseTo(1.0, within(1e-12));
            // Every point has a mirror of bit-identical weight: the in-focus image propagates half.
            assertThat(Imaging.mirrors(src)).as(e.getKey()).isNotNull();
            assertThat(Imaging.effectiveSourcePoints(src, 0)).as(e.getKey()).isEqualTo((src.size() + 1) / 2);
            // Σ cell areas = the shape's area, exactly.
            double area = 0;
            for (double a : src.cellArea()) {
                area += a;
            }
            assertThat(area).as(e.getKey()).isCloseTo(shapeArea(e.getValue()), within(1e-12));
        }
    }

    @Test
    void referenceAgreesWithTheCircleCircleClosedForm() {
        for (double sigma : new double[] {0.3, 0.8}) {
            IlluminationSpec spec = IlluminationSpec.conventional(sigma);
            for (double d = 0.2; d < 1 + sigma; d += 0.01) {
                double closed = circleCircle(sigma, 1, d) / (Math.PI * sigma * sigma);
                assertThat(referenceF(spec, d)).as("sigma %s d %s", sigma, d).isCloseTo(closed, within(1e-5));
            }
        }
    }

    // ---- reference, independent of SourceCells --------------------------------------------------

    /** Area of two circles' intersection, radii r1, r2, centre distance d (closed form). */
    static double circleCircle(double r1, double r2, double d) {
        if (d >= r1 + r2) {
            return 0;
        }
        if (d <= Math.abs(r1 - r2)) {
            return Math.PI * Math.pow(Math.min(r1, r2), 2);
        }
        double a = r1 * r1 * Math.acos((d * d + r1 * r1 - r2 * r2) / (2 * d * r1));
        double b = r2 * r2 * Math.acos((d * d + r2 * r2 - r1 * r1) / (2 * d * r2));
        double c = 0.5 * Math.sqrt((-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2));
        return a + b - c;
    }

    /** Pole centres (rad) and half-width of the shape's angular support; null = full ring. */
    static double[] poles(IlluminationSpec s) {
        return switch (s.shape()) {
            case CONVENTIONAL, ANNULAR, CUSTOM_DISK -> null;
            case DIPOLE_X -> s.poleHalfAngleDeg() >= 90 ? null : new double[] {0, Math.PI};
            case DIPOLE_Y -> s.poleHalfAngleDeg() >= 90 ? null : new double[] {Math.PI / 2, -Math.PI / 2};
            case QUASAR -> s.poleHalfAngleDeg() >= 45 ? null
                    : new double[] {Math.PI / 4, 3 * Math.PI / 4, -Math.PI / 4, -3 * Math.PI / 4};
        };
    }

    static double shapeArea(IlluminationSpec s) {
        double ring = Math.PI * (s.sigmaOuter() * s.sigmaOuter() - s.sigmaInner() * s.sigmaInner());
        double[] c = poles(s);
        return c == null ? ring : ring * c.length * 2 * Math.toRadians(s.poleHalfAngleDeg()) / (2 * Math.PI);
    }

    /**
     * F(d) = area{s in shape : |s + d·x̂| ≤ 1} / area(shape), as ∫ r·L(r) dr: on the circle of radius
     * r the passing angles form the arc |θ − π| ≤ π − θ₀, cos θ₀ = (1 − r² − d²)/(2rd); L(r) is that
     * arc's overlap with the shape's angular support (exact), integrated by composite Simpson.
     */
    static double referenceF(IlluminationSpec s, double d) {
        int n = 40_000;
        double r0 = s.sigmaInner();
        double r1 = s.sigmaOuter();
        double h = (r1 - r0) / n;
        double sum = 0;
        for (int i = 0; i <= n; i++) {
            double r = r0 + i * h;
            double wgt = i == 0 || i == n ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += wgt * r * passingArc(s, r, d);
        }
        return sum * h / 3 / shapeArea(s);
    }

    static double passingArc(IlluminationSpec s, double r, double d) {
        double halfPass;
        if (r == 0) {
            halfPass = d <= 1 ? Math.PI : 0;
        } else {
            double c = (1 - r * r - d * d) / (2 * r * d);
            halfPass = c >= 1 ? Math.PI : c <= -1 ? 0 : Math.PI - Math.acos(c);
        }
        double[] centres = poles(s);
        if (centres == null) {
            return 2 * halfPass;
        }
        double a = Math.toRadians(s.poleHalfAngleDeg());
        double len = 0;
        for (double c : centres) {
            for (int k = -1; k <= 1; k++) {
                double lo = Math.max(Math.PI - halfPass, c + 2 * Math.PI * k - a);
                double hi = Math.min(Math.PI + halfPass, c + 2 * Math.PI * k + a);
                len += Math.max(0, hi - lo);
            }
        }
        return len;
    }

    /** Largest shift d at which some point of the shape still passes: max over the shape of −s_x + √(1 − s_y²). */
    static double cutOffShift(IlluminationSpec s) {
        double best = 0;
        int nr = 400;
        int nt = 7200;
        for (int i = 0; i <= nr; i++) {
            double r = s.sigmaInner() + (s.sigmaOuter() - s.sigmaInner()) * i / nr;
            for (int j = 0; j < nt; j++) {
                double t = 2 * Math.PI * j / nt;
                double x = r * Math.cos(t);
                double y = r * Math.sin(t);
                if (Math.abs(y) <= 1 && s.contains(x, y)) {
                    best = Math.max(best, -x + Math.sqrt(1 - y * y));
                }
            }
        }
        return best;
    }
}
