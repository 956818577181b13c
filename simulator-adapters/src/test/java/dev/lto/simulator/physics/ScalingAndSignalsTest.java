package dev.lto.simulator.physics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import dev.lto.contracts.SimulationResult;
import dev.lto.simulator.physics.mask.Rasterizer;
import dev.lto.simulator.physics.optics.Djl;
import dev.lto.simulator.physics.optics.Imaging;
import dev.lto.simulator.physics.optics.ImagingGrid;
import dev.lto.simulator.physics.optics.OpticalSetting;
import dev.lto.simulator.physics.optics.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PHYSICS.md 8 (Rayleigh and depth-of-focus scaling), the focus symmetry of the image and the
 * signals' monotonic properties.
 */
class ScalingAndSignalsTest {

    static final PhysicsSimulatorProperties SIM_PROPS = TestJobs.fastProps();
    static final PhysicsSimulator SIM = new PhysicsSimulator(SIM_PROPS);

    /** Same k₁ pattern (class 1), resist blur scaled with λ/NA so that only the optics differ. */
    private static SimulationResult scaled(double lambda, double na, double dose) {
        double u = lambda / na;
        return SIM.runJob(TestJobs.job("scale_" + lambda + "_" + na, na, lambda, dose, 0.8, 1, PatternComplexity.SIMPLE,
                false, Math.min(10, Math.max(0.1, u / 30)), Map.of("diffusion_nm", 0.05 * u)));
    }

    /**
     * Rayleigh: the reported resolution_nm (half-pitch) is where the imaging itself stops resolving a
     * 1:1 grating — the smallest pitch whose first harmonic still images, found by bisection on the
     * pitch through Abbe imaging with the job's own source, halved — at every λ and NA; and DoF
     * scales as λ/NA² (same k₁ pattern, resist blur scaled with λ/NA).
     */
    @Test
    void rayleighAndDofScaleAcrossWavelengthAndNa() {
        List<Double> dofNorm = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (double lambda : new double[] {13.5, 193, 248}) {
            for (double na : new double[] {0.25, 0.55}) {
                SimulationResult r = scaled(lambda, na, 30);
                double imaged = imagedCutoffPitch(r.parameters(), 1, 0) / 2;
                assertThat(r.outputs().resolutionNm()).as("resolution_nm vs imaged cut-off half-pitch %s at λ %s NA %s",
                        imaged, lambda, na).isCloseTo(imaged, within(RESOLUTION_TOLERANCE * imaged));
                assertThat(r.outputs().targetCdNm() * na / lambda).isCloseTo(0.5, within(1e-12));
                double dn = r.outputs().depthOfFocusNm() * na * na / lambda;
                dofNorm.add(dn);
                table.append(String.format(java.util.Locale.ROOT,
                        "lambda=%.1f NA=%.2f resolution=%.3f nm imaged=%.3f nm DoF=%.1f nm DoF*NA^2/lambda=%.3f%n",
                        lambda, na, r.outputs().resolutionNm(), imaged, r.outputs().depthOfFocusNm(), dn));
            }
        }
        System.out.print(table);
        double mean = dofNorm.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(mean).isGreaterThan(0.2);
        for (double d : dofNorm) {
            assertThat(d).as(table.toString()).isCloseTo(mean, within(0.15 * mean));
        }
    }

    /** Relative agreement asked of resolution_nm and the imaged cut-off (measured: ≤ 3e-4, the bias of the 1e-5 modulation threshold; the bisection stops at 1e-5). */
    static final double RESOLUTION_TOLERANCE = 0.002;

    /**
     * Every illumination shape: resolution_nm (the signals' cost term, λ/(2NA(1 + σ_outer))) is the
     * imaged cut-off of a grating in the shape's best orientation (x for conventional, annular and
     * dipole x; y for dipole y; the 45° diagonal for quasar, whose poles sit there). Along x, dipole y
     * and quasar stop resolving at a coarser pitch: resolution_nm is the best orientation's limit.
     */
    @Test
    void resolutionIsTheImagedCutoffOfEveryShape() {
        StringBuilder table = new StringBuilder();
        Object[][] shapes = {{"conventional", 1, 0, 0.9}, {"annular", 1, 0, 0.5}, {"dipole_x", 1, 0, 0.7},
                {"dipole_y", 0, 1, 0.9}, {"quasar", 1, 1, 0.5}};
        for (Object[] shape : shapes) {
            double sigma = (double) shape[3];
            boolean bestIsX = (int) shape[1] == 1 && (int) shape[2] == 0;
            JobParameters p = TestJobs.job("res_" + shape[0], 0.33, 193, 30, sigma, 1, PatternComplexity.SIMPLE, false,
                    2.0, Map.of("illumination", shape[0]));
            double resolution = CostModel.of(p, SIM_PROPS).resolutionNm();
            double best = imagedCutoffPitch(p, (int) shape[1], (int) shape[2]) / 2;
            double alongX = bestIsX ? best : imagedCutoffPitch(p, 1, 0) / 2;
            table.append(String.format(java.util.Locale.ROOT,
                    "%s sigma=%.1f resolution=%.3f nm imaged best=%.3f nm imaged along x=%.3f nm%n", shape[0], sigma,
                    resolution, best, alongX));
            assertThat(resolution).as("%s σ %s: imaged %s", shape[0], sigma, best)
                    .isCloseTo(best, within(RESOLUTION_TOLERANCE * best));
            if (!bestIsX) {
                assertThat(alongX).as("%s σ %s along x", shape[0], sigma).isGreaterThan(best * 1.05);
            }
        }
        System.out.print(table);
    }

    /**
     * Smallest pitch (nm, measured normal to the lines) of a 1:1 binary grating with wave vector along
     * (ax, ay) ∈ {(1, 0), (0, 1), (1, 1)} whose first harmonic still images with a modulation above
     * 1e-5 under the job's source, λ and NA: bisection on the pitch over [λ/(2NA), 2λ/NA] (below
     * λ/(2NA) no order passes for σ ≤ 1, at 2λ/NA every source point passes the first order). The
     * tile holds 4 periods along each axis the wave vector has, 32 mask pixels per period along x/y.
     */
    static double imagedCutoffPitch(JobParameters job, int ax, int ay) {
        PhysicsSimulator.Setup s = SIM.setup(job);
        double lambda = s.wavelength();
        double na = s.na();
        Source src = s.source();
        int periods = 4;
        int periodPx = 32;
        int nMask = periods * periodPx;
        float[] raster = new float[nMask * nMask];
        for (int i = 0; i < nMask; i++) {
            for (int j = 0; j < nMask; j++) {
                raster[i * nMask + j] = Math.floorMod(ax * j + ay * i, periodPx) < periodPx / 2 ? 1f : 0f;
            }
        }
        double norm = Math.hypot(ax, ay);
        double lo = lambda / (2 * na);
        double hi = 2 * lambda / na;
        for (int it = 0; it < 40 && hi - lo > 1e-5 * hi; it++) {
            double pitch = 0.5 * (lo + hi);
            double tile = periods * pitch * norm; // wave vector (ax, ay)·periods/tile has length 1/pitch
            int n = ImagingGrid.requiredImagePx(tile, na, lambda, src.maxRadius());
            OpticalSetting os = new OpticalSetting(lambda, na, 0, s.illumination(), src.stepSigma(), tile, n);
            float[] img;
            try (NDManager m = Djl.newManager()) {
                NDArray win = Imaging.maskWindow(m, raster, nMask, n);
                img = Imaging.abbe(m, win, os, src, 256).toFloatArray();
            }
            double modulation = 2 * harmonic(img, n, ax * periods, ay * periods) / harmonic(img, n, 0, 0);
            if (modulation > 1e-5) {
                hi = pitch;
            } else {
                lo = pitch;
            }
        }
        return hi;
    }

    /** |Fourier coefficient| of an n×n image at frequency index (kx, ky). */
    static double harmonic(float[] img, int n, int kx, int ky) {
        double re = 0;
        double im = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double ph = -2 * Math.PI * ((double) kx * j + (double) ky * i) / n;
                re += img[i * n + j] * Math.cos(ph);
                im += img[i * n + j] * Math.sin(ph);
            }
        }
        return Math.hypot(re, im) / ((double) n * n);
    }

    @Test
    void raisingNaImprovesResolutionAndShrinksDof() {
        double prevRes = Double.POSITIVE_INFINITY;
        double prevDof = Double.POSITIVE_INFINITY;
        for (double na : new double[] {0.25, 0.33, 0.45, 0.55}) {
            SimulationResult r = SIM.runJob(TestJobs.job("na_" + na, na, 13.5, 30, 0.8, 1, PatternComplexity.SIMPLE,
                    false, 2.0, Map.of()));
            assertThat(r.outputs().resolutionNm()).isLessThan(prevRes);
            assertThat(r.outputs().depthOfFocusNm()).isLessThan(prevDof);
            prevRes = r.outputs().resolutionNm();
            prevDof = r.outputs().depthOfFocusNm();
        }
    }

    @Test
    void raisingDoseLowersStochasticRisk() {
        double prevP = 2;
        double prevRisk = 2;
        for (double dose : new double[] {10, 20, 30, 60, 100}) {
            SimulationResult r = SIM.runJob(TestJobs.job("dose_" + dose, 0.33, 13.5, dose, 0.8, 2,
                    PatternComplexity.SIMPLE, true, 1.0, Map.of()));
            double p = r.outputs().stochasticFailureProbability();
            assertThat(p).isLessThan(prevP);
            assertThat(r.tradeoffSignals().yieldRisk()).isLessThanOrEqualTo(prevRisk);
            prevP = p;
            prevRisk = r.tradeoffSignals().yieldRisk();
        }
    }

    /**
     * I(z) = I(−z) for a binary (real) mask and a point-symmetric source, which lets the simulator
     * image only |z|: Abbe at −z and at +z computed independently (every source point, no halving at
     * z ≠ 0) on the 2-D logic mask for each shape, at the job's defocus and the FEM edge. Negative
     * control: one pole of the dipole alone (not point-symmetric) gives different images.
     */
    @Test
    void focusSymmetryOfTheImage() {
        for (String shape : new String[] {"conventional", "annular", "dipole", "quasar"}) {
            JobParameters p = TestJobs.job("fs_" + shape, 0.33, 13.5, 30, 0.8, 15, PatternComplexity.MODERATE, false,
                    2.0, Map.of("illumination", shape));
            PhysicsSimulator.Setup s = SIM.setup(p);
            double femEdge = SIM_PROPS.fem().focusRangeRayleigh() * 13.5 / (0.33 * 0.33);
            for (double z : new double[] {50, femEdge}) {
                float[][] pm = imagesAt(s, s.source(), z);
                assertThat(maxAbsDiff(pm[0], pm[1])).as("%s z=±%s", shape, z).isLessThan(1e-5);
                assertThat(maxAbsDiff(pm[0], pm[2])).as("%s: focus changes the image at all", shape).isGreaterThan(1e-3);
            }
        }
        // One pole of the dipole: no mirror source points, so ±z differ (the test can see asymmetry).
        JobParameters p = TestJobs.job("fs_pole", 0.33, 13.5, 30, 0.8, 15, PatternComplexity.MODERATE, false, 2.0,
                Map.of("illumination", "dipole"));
        PhysicsSimulator.Setup s = SIM.setup(p);
        Source full = s.source();
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < full.size(); i++) {
            if (full.sx()[i] > 0) {
                keep.add(i);
            }
        }
        double[] x = new double[keep.size()];
        double[] y = new double[keep.size()];
        double[] w = new double[keep.size()];
        double[] a = new double[keep.size()];
        double sum = 0;
        for (int k = 0; k < keep.size(); k++) {
            sum += full.weight()[keep.get(k)];
        }
        for (int k = 0; k < keep.size(); k++) {
            x[k] = full.sx()[keep.get(k)];
            y[k] = full.sy()[keep.get(k)];
            w[k] = full.weight()[keep.get(k)] / sum;
            a[k] = full.cellArea()[keep.get(k)];
        }
        Source pole = new Source(full.spec(), full.stepSigma(), x, y, w, a);
        float[][] pm = imagesAt(s, pole, 50);
        assertThat(maxAbsDiff(pm[0], pm[1])).as("one pole: I(z) != I(-z)").isGreaterThan(1e-2);
    }

    /** Abbe images of the job's mask at +z, −z and 0 with the given source, each computed on its own. */
    private static float[][] imagesAt(PhysicsSimulator.Setup s, Source src, double z) {
        try (NDManager m = Djl.newManager()) {
            NDArray win = Imaging.maskWindow(m, Rasterizer.rasterize(s.layout(), s.grid().maskPx()), s.grid().maskPx(),
                    s.grid().imagePx());
            return new float[][] {Imaging.abbe(m, win, s.optical(z), src, 256).toFloatArray(),
                    Imaging.abbe(m, win, s.optical(-z), src, 256).toFloatArray(),
                    Imaging.abbe(m, win, s.optical(0), src, 256).toFloatArray()};
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
