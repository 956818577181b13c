package dev.lto.simulator.physics.optics;

import static dev.lto.simulator.physics.optics.OpticsTestSupport.grating;
import static dev.lto.simulator.physics.optics.OpticsTestSupport.harmonic;
import static dev.lto.simulator.physics.optics.OpticsTestSupport.image;
import static dev.lto.simulator.physics.optics.OpticsTestSupport.max;
import static dev.lto.simulator.physics.optics.OpticsTestSupport.min;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lto.simulator.physics.mask.MaskLayout;
import dev.lto.simulator.physics.mask.Rasterizer;
import dev.lto.simulator.physics.mask.Rect;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PHYSICS.md analytic results 1–6 (7 and 8 live in SocsAccuracyTest and ScalingTest). */
class AnalyticOpticsTest {

    static final double LAMBDA = 193;
    static final double NA = 0.5;

    private static OpticalSetting setting(double tile, int n, double z, IlluminationSpec ill, double step) {
        return new OpticalSetting(LAMBDA, NA, z, ill, step, tile, n);
    }

    /** 1. Clear mask → I ≡ 1; opaque mask → I ≡ 0 (with and without defocus, any source). */
    @Test
    void clearAndOpaque() {
        int nMask = 64;
        double tile = 2000;
        Source src = Source.sample(IlluminationSpec.conventional(0.8), 0.1, 8);
        int n = ImagingGrid.requiredImagePx(tile, NA, LAMBDA, src.maxRadius());
        float[] clear = new float[nMask * nMask];
        java.util.Arrays.fill(clear, 1f);
        float[] opaque = new float[nMask * nMask];
        for (double z : new double[] {0, 300}) {
            OpticalSetting os = setting(tile, n, z, src.spec(), 0.1);
            float[] ic = image(clear, nMask, os, src);
            float[] io = image(opaque, nMask, os, src);
            assertThat(max(ic)).isCloseTo(1.0, within(1e-5));
            assertThat(min(ic)).isCloseTo(1.0, within(1e-5));
            assertThat(max(io)).isCloseTo(0.0, within(1e-7));
        }
    }

    /** 2. Coherent 1:1 grating, λ/NA < p < 3λ/NA: I = (½ + (2/π)cos 2πx/p)²; p < λ/NA: I = ¼. */
    @Test
    void coherentGrating() {
        int periodPx = 128;
        double dx = 5;
        double p = periodPx * dx; // 640 nm, between λ/NA = 386 and 3λ/NA = 1158
        int nMask = 4 * periodPx;
        double tile = nMask * dx;
        int n = ImagingGrid.requiredImagePx(tile, NA, LAMBDA, 0);
        OpticalSetting os = setting(tile, n, 0, IlluminationSpec.conventional(0), 1);
        float[] img = image(grating(nMask, periodPx), nMask, os, Source.coherent());
        // Extremes of the continuous image: sample one period finely through the band-limited interpolant.
        double[] fine = OpticsTestSupport.function(grating(nMask, periodPx), nMask, os, Source.coherent())
                .lineX(0, 0, p / 512, 512);
        double iMax = java.util.Arrays.stream(fine).max().orElseThrow();
        // PHYSICS.md's I_min is the value at the dark-line centre (x = 3p/4), where the field is
        // −0.1366; the field crosses zero on either side, so the global minimum of I is 0.
        double iMin = fine[384];
        assertThat(java.util.Arrays.stream(fine).min().orElseThrow()).isCloseTo(0.0, within(1e-4));
        assertThat(iMax).isCloseTo(1.2919, within(2e-3));
        assertThat(iMin).isCloseTo(0.01866, within(1e-3));
        assertThat((iMax - iMin) / (iMax + iMin)).isCloseTo(0.9715, within(2e-3));
        // Pointwise against the formula, clear half-period centred at p/4.
        for (int j = 0; j < n; j++) {
            double x = j * tile / n;
            double expect = Math.pow(0.5 + 2 / Math.PI * Math.cos(2 * Math.PI * (x - p / 4) / p), 2);
            assertThat((double) img[j]).as("x=%s", x).isCloseTo(expect, within(2e-3));
        }
        // Below λ/NA only the zero order passes: flat ¼.
        int small = 64; // 320 nm < 386 nm
        float[] flat = image(grating(nMask, small), nMask, os, Source.coherent());
        assertThat(max(flat)).isCloseTo(0.25, within(1e-4));
        assertThat(min(flat)).isCloseTo(0.25, within(1e-4));
    }

    /** 3. Coherent, defocus z: the first harmonic falls as cos Δφ, Δφ = (2πz/λ)(1 − √(1 − (λ/p)²)). */
    @Test
    void coherentDefocus() {
        int periodPx = 128;
        double dx = 5;
        double p = periodPx * dx;
        int nMask = 4 * periodPx;
        double tile = nMask * dx;
        int n = ImagingGrid.requiredImagePx(tile, NA, LAMBDA, 0);
        double a0 = 0.5;
        double a1 = 1 / Math.PI;
        double zPi = LAMBDA / (1 - Math.sqrt(1 - Math.pow(LAMBDA / p, 2))) / 2; // Δφ = π at this z
        for (double frac : new double[] {0, 0.25, 1.0 / 3, 0.5, 0.8}) {
            double z = frac * zPi;
            double dphi = 2 * Math.PI * z / LAMBDA * (1 - Math.sqrt(1 - Math.pow(LAMBDA / p, 2)));
            OpticalSetting os = setting(tile, n, z, IlluminationSpec.conventional(0), 1);
            float[] img = image(grating(nMask, periodPx), nMask, os, Source.coherent());
            // Fourier coefficient of cos kx is half its amplitude: 4a₀a₁cosΔφ / 2. Harmonic index = tile/p = 4.
            double h1 = harmonic(img, n, 4);
            double expect = Math.abs(2 * a0 * a1 * Math.cos(dphi)) * 1.0003; // raster: 1/(P·sin(π/P)) vs 1/π
            assertThat(h1).as("z=%s", z).isCloseTo(expect, within(1e-3));
            assertThat(harmonic(img, n, 0)).isCloseTo(a0 * a0 + 2 * a1 * a1, within(1e-3));
        }
    }

    /** 4. Incoherent limit: weak grating 1 + ε cos 2πfx images with modulation 2εH(ν), ν = fλ/(2NA). */
    @Test
    void incoherentMtf() {
        double tile = 1930; // f = k/L → ν = k·0.1
        int nMask = 128;
        double eps = 0.02;
        // Radius 2.5 NA/λ covers both shifted pupils up to ν = 0.75; lattice pitch 0.07 (≈ 4000 points).
        // Plain lattice with a hard rim: this test-only disk reaches past the pupil, where the
        // area-weighted cells' soft rim is not meant to be exact (Source.sampleCentres).
        IlluminationSpec big = new IlluminationSpec(IlluminationSpec.Shape.CUSTOM_DISK, 2.5, 0, 0);
        Source src = Source.sampleCentres(big, 0.07);
        int n = ImagingGrid.requiredImagePx(tile, NA, LAMBDA, src.maxRadius());
        OpticalSetting os = setting(tile, n, 0, big, 0.07);
        for (int k : new int[] {3, 5, 7, 11}) {
            double nu = k * LAMBDA / (2 * NA * tile);
            float[] raster = new float[nMask * nMask];
            for (int i = 0; i < nMask; i++) {
                for (int j = 0; j < nMask; j++) {
                    double x = (j + 0.5) * tile / nMask; // pixel centre (the window undoes the half-pixel)
                    raster[i * nMask + j] = (float) (1 + eps * Math.cos(2 * Math.PI * k * x / tile));
                }
            }
            float[] img = image(raster, nMask, os, src);
            double modulation = 2 * harmonic(img, n, k) / harmonic(img, n, 0);
            double h = nu < 1 ? 2 / Math.PI * (Math.acos(nu) - nu * Math.sqrt(1 - nu * nu)) : 0;
            assertThat(modulation / (2 * eps)).as("nu=%s", nu).isCloseTo(h, within(0.01));
        }
        assertThat(2 / Math.PI * (Math.acos(0.5) - 0.5 * Math.sqrt(0.75))).isCloseTo(0.3910, within(1e-4));
    }

    /** 5. Partial coherence: pitch just above λ/(NA(1+σ)) images with contrast > 0, just below it is flat. */
    @Test
    void partialCoherenceCutoff() {
        double sigma = 0.5;
        double cutoff = LAMBDA / (NA * (1 + sigma)); // 257.3 nm
        Source src = Source.sample(IlluminationSpec.conventional(sigma), 0.05, 8);
        for (double factor : new double[] {1.05, 0.95}) {
            int periodPx = 64;
            double dx = cutoff * factor / periodPx;
            int nMask = 4 * periodPx;
            double tile = nMask * dx;
            int n = ImagingGrid.requiredImagePx(tile, NA, LAMBDA, src.maxRadius());
            OpticalSetting os = setting(tile, n, 0, src.spec(), 0.05);
            float[] img = image(grating(nMask, periodPx), nMask, os, src);
            double contrast = (max(img) - min(img)) / (max(img) + min(img));
            if (factor > 1) {
                assertThat(contrast).as("pitch above cutoff").isGreaterThan(0.01);
            } else {
                assertThat(contrast).as("pitch below cutoff").isLessThan(1e-5);
            }
        }
    }

    /**
     * 6. Symmetric mask → symmetric image; a whole-pixel shift of the mask shifts the image. The tile
     * is chosen so that an image pixel is a whole number of mask pixels (n = 24 divides N = 240: 80 nm
     * = 10 mask px), so a shift of whole image pixels is an exact cyclic shift of the raster too.
     */
    @Test
    void symmetryAndShift() {
        double tile = 1920;
        int nMask = 240; // 8 nm pixels
        double c = tile / 2;
        MaskLayout iso = new MaskLayout("t", tile, false, List.of(Rect.centered(c, c, 120, 900),
                Rect.centered(c + 300, c, 80, 400)), c, c, false, 200, 120, 0.3, 400);
        Source src = Source.sample(IlluminationSpec.conventional(0.7), 0.1, 8);
        int n = ImagingGrid.requiredImagePx(tile, NA, LAMBDA, src.maxRadius());
        OpticalSetting os = setting(tile, n, 150, src.spec(), 0.1);
        assertThat(n).as("image grid").isEqualTo(24);
        assertThat(nMask % n).as("mask pixels per image pixel must be whole").isZero();
        // Mirror symmetry in y about the tile centre (the layout is symmetric in y, not in x).
        float[] img = image(Rasterizer.rasterize(iso, nMask), nMask, os, src);
        for (int i = 1; i < n; i++) {
            for (int j = 0; j < n; j++) {
                assertThat(img[i * n + j]).isCloseTo(img[(n - i) * n + j], within(2e-5f));
            }
        }
        // Shift by (2, 1) image pixels = (160, 80) nm = (20, 10) mask pixels: the image moves by exactly that.
        double imagePx = tile / n;
        float[] shifted = image(Rasterizer.rasterize(iso.shifted(2 * imagePx, imagePx), nMask), nMask, os, src);
        double worst = 0;
        double moved = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                float expect = img[i * n + j];
                worst = Math.max(worst, Math.abs(shifted[((i + 1) % n) * n + (j + 2) % n] - expect));
                moved = Math.max(moved, Math.abs(shifted[i * n + j] - expect));
            }
        }
        assertThat(worst).as("shifted image = image moved by (2, 1) px").isLessThan(2e-5);
        assertThat(moved).as("the shift is visible at all (the mask is not shift-invariant)").isGreaterThan(0.05);
    }
}
