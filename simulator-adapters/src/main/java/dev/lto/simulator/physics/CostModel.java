package dev.lto.simulator.physics;

import dev.lto.contracts.JobParameters;
import dev.lto.simulator.physics.optics.IlluminationSpec;
import dev.lto.simulator.physics.optics.Imaging;
import dev.lto.simulator.physics.optics.ImagingGrid;
import dev.lto.simulator.physics.optics.OpticalSetting;
import dev.lto.simulator.physics.optics.SocsBuilder;
import dev.lto.simulator.physics.optics.Source;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one closed-form function of the job parameters (+ configuration) that gives every cost term
 * of the signals: the job's imaging FLOPs, the mask pixel, the resolution, the source-point and SOCS
 * kernel counts and the nominal surrogate image error. {@link PhysicsSimulator#runJob} builds its
 * signals from it (and checks that the FLOPs its imaging really accumulated equal it), and
 * {@link PhysicsSimulator#composeSignals} uses the same function, so an estimate and the truth
 * cannot drift apart. No imaging: mask raster, source lattice and grid sizes only (microseconds once
 * the job's source lattice is cached).
 */
final class CostModel {

    private CostModel() {
    }

    /**
     * Cost terms of one job.
     *
     * @param jobFlops       FLOPs of the job's imaging: mask FFT, every distinct |focus| (job focus and
     *                       FEM), the two biased masks of MEEF with their FFTs (Abbe: effective source
     *                       points per focus; SOCS: K kernels); audits and kernel builds excluded
     * @param tccTail        closed-form TCC energy tail 1 − E_K of the job's source ({@link #tccTail})
     * @param nominalSurrogateRmse ε = {@link #SURROGATE_RMSE_PER_TAIL}·tail, the surrogate image error
     *                       the signals use when no audit measured it (also for Abbe jobs: what the
     *                       surrogate would do)
     */
    record Terms(double jobFlops, boolean surrogate, double maskPixelNm, double lambdaOverNa, double resolutionNm,
                 int maskPx, int imagePx, int sourcePoints, int kernels, double tccTail, double nominalSurrogateRmse) {
    }

    /** Image RMSE per unit of discarded TCC energy, fitted on the standard mask (SocsAccuracyTest, docs/physics.md). */
    static final double SURROGATE_RMSE_PER_TAIL = 0.035;

    private static final Map<Object, Source> SOURCES = new ConcurrentHashMap<>();

    /** The sampled source of a shape and lattice, cached (pure function of its key). */
    static Source source(IlluminationSpec spec, double step, int minPoints) {
        if (SOURCES.size() > 512) {
            SOURCES.clear();
        }
        return SOURCES.computeIfAbsent(java.util.List.of(spec, step, minPoints), k -> Source.sample(spec, step, minPoints));
    }

    static Terms of(JobParameters p, PhysicsSimulatorProperties props) {
        double lambda = p.wavelengthNm();
        double na = p.na();
        IlluminationSpec ill = IlluminationSpec.fromJob(p.sigma(), p.metadata());
        Source src = source(ill, props.source().stepSigma(), props.source().minPoints());
        // Same expressions, same order as PatternCatalogue.layout and PhysicsSimulator.setup.
        double u = lambda / na;
        double tile = props.grid().tileLambdaOverNa() * u;
        int maskPx = PhysicsSimulator.maskPx(tile, p.gridSizeNm(), props.grid().maxMaskPx());
        ImagingGrid grid = ImagingGrid.of(tile, maskPx, na, lambda, src.maxRadius());
        int n = grid.imagePx();
        boolean surrogate = Boolean.TRUE.equals(p.useAiSurrogate());
        double defocus = PhysicsSimulator.number(p.metadata().get("defocus_nm"), 0.0);
        double[] zs = PhysicsSimulator.imagedFocus(defocus, PhysicsSimulator.femFocus(lambda, na, props.fem()));
        OpticalSetting os = new OpticalSetting(lambda, na, 0, ill, src.stepSigma(), tile, n);
        int k = SocsBuilder.kernelCount(os, src, props.socs().maxKernels());

        double maskFft = Imaging.fftFlops(maskPx);
        double flops = maskFft;                                   // mask spectrum
        for (double z : zs) {
            flops += image(surrogate, src, z, n, k);               // focus series (job focus + FEM)
        }
        flops += 2 * maskFft + 2 * image(surrogate, src, Math.abs(defocus), n, k); // MEEF: two biased masks
        double tail = tccTail(ill, src, k);
        double resolution = lambda / (2 * na * (1 + src.maxRadius()));
        return new Terms(flops, surrogate, grid.maskPixelNm(), u, resolution, maskPx, n, src.size(), k, tail,
                SURROGATE_RMSE_PER_TAIL * tail);
    }

    private static double image(boolean surrogate, Source src, double z, int n, int k) {
        return surrogate ? Imaging.socsFlops(k, n) : Imaging.abbeFlops(Imaging.effectiveSourcePoints(src, z), n);
    }

    /**
     * Fitted coefficients of ln(1 − E_K): shape intercepts (conventional, annular, dipole, quasar),
     * then ln A, ln S, ln K, (ln K)², ln K·ln S, ln(1 − K/S), ln A·ln K. Fit: TailStudy (weighted least
     * squares on ln tail, weights √tail, 4 shapes × σ 0.1–1 × lattice 0.05/0.0707/0.1 σ, K 8–64, tails
     * ≥ 1e-4, 2026-12 on physics-1.1 kernels); quality in docs/physics.md and TccTailFitTest.
     */
    static final double[] TAIL_FIT = {-1.171222584411952, -1.0523798668922377, -1.059563429797319,
            -0.9277989845665859, 0.3942282028743807, 0.06964295787501013, -1.199521155004609, 0.046405973838306296,
            0.024893013523169347, 1.6431250532308863, 0.05250870315396503};

    /**
     * Closed-form TCC energy tail 1 − E_K of a source of S points and area A (σ², the shape's exact
     * area) with K kernels: 0 when K ≥ S (the TCC's rank is at most S), else
     * exp(c_shape + a·ln A + b·ln S + c·ln K + d·ln²K + e·ln K·ln S + f·ln(1 − K/S) + g·ln A·ln K),
     * clipped to [0, 1]. Dimensionless; replaces the eigenvalues of a kernel build.
     */
    static double tccTail(IlluminationSpec spec, Source src, int k) {
        int s = src.size();
        if (k >= s) {
            return 0;
        }
        double area = shapeArea(spec);
        double la = Math.log(area);
        double ls = Math.log(s);
        double lk = Math.log(k);
        double[] c = TAIL_FIT;
        double shape = switch (spec.shape()) {
            case CONVENTIONAL, CUSTOM_DISK -> c[0];
            case ANNULAR -> c[1];
            case DIPOLE_X, DIPOLE_Y -> c[2];
            case QUASAR -> c[3];
        };
        double ln = shape + c[4] * la + c[5] * ls + c[6] * lk + c[7] * lk * lk + c[8] * lk * ls
                + c[9] * Math.log1p(-(double) k / s) + c[10] * la * lk;
        return Math.min(1, Math.exp(ln));
    }

    /** Exact area of the illumination shape (σ²): ring × the poles' angular share. */
    static double shapeArea(IlluminationSpec s) {
        double ring = Math.PI * (s.sigmaOuter() * s.sigmaOuter() - s.sigmaInner() * s.sigmaInner());
        double half = s.poleHalfAngleDeg();
        double share = switch (s.shape()) {
            case CONVENTIONAL, ANNULAR, CUSTOM_DISK -> 1;
            case DIPOLE_X, DIPOLE_Y -> Math.min(1, 2 * 2 * half / 360);
            case QUASAR -> Math.min(1, 4 * 2 * half / 360);
        };
        return Math.max(1e-12, ring * share);
    }
}
