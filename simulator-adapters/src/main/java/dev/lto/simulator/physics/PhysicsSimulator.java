package dev.lto.simulator.physics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.lto.contracts.AdapterHealth;
import dev.lto.contracts.ComputeStats;
import dev.lto.contracts.HealthStatus;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.MetricSnapshot;
import dev.lto.contracts.SimulationOutputs;
import dev.lto.contracts.SimulationResult;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.simulator.physics.mask.MaskLayout;
import dev.lto.simulator.physics.mask.PatternCatalogue;
import dev.lto.simulator.physics.mask.Rasterizer;
import dev.lto.simulator.physics.optics.Djl;
import dev.lto.simulator.physics.optics.IlluminationSpec;
import dev.lto.simulator.physics.optics.Imaging;
import dev.lto.simulator.physics.optics.ImagingGrid;
import dev.lto.simulator.physics.optics.KernelCache;
import dev.lto.simulator.physics.optics.OpticalSetting;
import dev.lto.simulator.physics.optics.SocsBuilder;
import dev.lto.simulator.physics.optics.SocsKernels;
import dev.lto.simulator.physics.optics.Source;
import dev.lto.simulator.physics.resist.BandLimitedImage;
import dev.lto.simulator.physics.resist.CutProfile;
import dev.lto.simulator.physics.resist.ProcessWindow;
import dev.lto.simulator.physics.resist.Stochastics;
import dev.lto.simulator.spi.BossungCurve;
import dev.lto.simulator.spi.ImageArray;
import dev.lto.simulator.spi.SimulationArtifacts;
import dev.lto.simulator.spi.LiteEstimate;
import dev.lto.simulator.spi.SignalIntermediates;
import dev.lto.simulator.spi.SimulatorInterface;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The physics simulator ("synthetic" adapter): catalogue mask → Abbe or SOCS imaging with defocus
 * → threshold resist with acid diffusion → CD, NILS, contrast, dose-to-size, focus–exposure
 * matrix (Bossung, exposure latitude, depth of focus), MEEF, shot-noise failure probability →
 * six tradeoff signals. See docs/physics.md.
 */
public final class PhysicsSimulator implements SimulatorInterface {

    public static final String ADAPTER_TYPE = "synthetic";
    public static final String VERSION = "physics-2.0";

    private final PhysicsSimulatorProperties props;
    private final KernelCache kernels;
    private final Sinks.Many<MetricSnapshot> metrics = Sinks.many().multicast().directBestEffort();
    private final LinkedHashMap<String, PhysicsArtifacts> artifacts = new LinkedHashMap<>(16, 0.75f, true);

    public PhysicsSimulator(PhysicsSimulatorProperties props) {
        this.props = props;
        this.kernels = new KernelCache(props.cache().kernelBytes());
    }

    @Override
    public String adapterType() {
        return ADAPTER_TYPE;
    }

    @Override
    public Flux<MetricSnapshot> streamMetrics() {
        return metrics.asFlux();
    }

    @Override
    public Optional<SimulationArtifacts> artifacts(String jobId) {
        synchronized (artifacts) {
            return Optional.ofNullable(artifacts.get(jobId));
        }
    }

    KernelCache kernelCache() {
        return kernels;
    }

    /** Job metadata the physics reads as numbers (docs/physics.md §1). */
    static final List<String> NUMERIC_METADATA = List.of("defocus_nm", "diffusion_nm", "sigma_inner", "pole_angle_deg");

    /** Fewer mask pixels than this across the target CD cannot place its two edges (sampling of an edge pair). */
    static final double MIN_PIXELS_PER_CD = 2.0;

    @Override
    public List<String> physicalProblems(JobParameters p) {
        List<String> problems = new ArrayList<>();
        // Metadata numbers the physics reads: a NaN or ±∞ would run through the imaging and be absorbed
        // by comparisons (no print, CD 0, failure probability 1) into a finite-looking result.
        for (String key : NUMERIC_METADATA) {
            Object v = p.metadata() == null ? null : p.metadata().get(key);
            if (v == null) {
                continue;
            }
            try {
                if (!Double.isFinite(number(v, 0))) {
                    problems.add("metadata " + key + " is " + v + ": not a finite number");
                }
            } catch (NumberFormatException notANumber) {
                problems.add("metadata " + key + " '" + v + "' is not a number");
            }
        }
        PatternCatalogue.Entry e = PatternCatalogue.entry(p.jobClass());
        double lambdaOverNa = p.wavelengthNm() / p.na();
        double cd = e.k1() * lambdaOverNa;                      // target CD = k₁·λ/NA, nm
        if (p.gridSizeNm() > cd / MIN_PIXELS_PER_CD) {
            problems.add(String.format(Locale.ROOT,
                    "grid_size_nm %.2f is too coarse for the pattern's %.1f nm CD (job class %d, k1 %.2f): "
                            + "at least %.0f pixels across the feature need a grid of at most %.2f nm",
                    p.gridSizeNm(), cd, p.jobClass(), e.k1(), MIN_PIXELS_PER_CD, cd / MIN_PIXELS_PER_CD));
        }
        if (e.family() != PatternCatalogue.Family.ISO_LINE) {
            // Periodic patterns (pitch 2·CD) image only if a first diffraction order enters the pupil:
            // pitch ≥ λ / (NA·(1 + σ_max)) (Abbe resolution limit with the source's outer radius).
            double sigmaMax;
            try {
                sigmaMax = IlluminationSpec.fromJob(p.sigma(), p.metadata()).sigmaOuter();
            } catch (IllegalArgumentException badMetadata) {
                problems.add("metadata: " + badMetadata.getMessage());
                return problems;
            }
            double pitch = 2 * cd;
            double limit = lambdaOverNa / (1 + sigmaMax);
            if (pitch < limit) {
                problems.add(String.format(Locale.ROOT,
                        "pattern pitch %.1f nm (job class %d, %s, k1 %.2f) is below the optics' cut-off "
                                + "λ/(NA·(1+σ)) = %.1f nm at NA %.3f, λ %.1f nm, σ %.2f: no diffraction order "
                                + "but the zeroth passes the pupil, so no image of the pattern forms",
                        pitch, p.jobClass(), e.family(), e.k1(), limit, p.na(), p.wavelengthNm(), sigmaMax));
            }
        }
        return problems;
    }

    @Override
    public Optional<String> patternFamily(int jobClass) {
        return jobClass < 1 || jobClass > PatternCatalogue.entries().size() ? Optional.empty()
                : Optional.of(PatternCatalogue.entry(jobClass).family().name());
    }

    @Override
    public AdapterHealth healthCheck() {
        try {
            // A clear tile must image to exactly 1: exercises the engine, FFTs and normalisation.
            int n = 16;
            float[] clear = new float[n * n];
            java.util.Arrays.fill(clear, 1f);
            OpticalSetting os = new OpticalSetting(13.5, 0.33, 0, IlluminationSpec.conventional(0.5), 0.25, 160, n);
            Source src = Source.sample(os.illumination(), 0.25, 1);
            double worst;
            try (NDManager m = Djl.newManager()) {
                NDArray win = Imaging.maskWindow(m, clear, n, n);
                NDArray img = Imaging.abbe(m, win, os, src, 64);
                worst = img.sub(1).abs().max().getFloat();
            }
            HealthStatus status = worst < 1e-3 ? HealthStatus.UP : HealthStatus.DEGRADED;
            return new AdapterHealth(ADAPTER_TYPE, status, VERSION, Djl.deviceName(),
                    Djl.engineVersion() + ", clear-field error " + String.format(java.util.Locale.ROOT, "%.1e", worst)
                            + ", kernel cache " + kernels.size() + " settings / " + kernels.bytes() + " B",
                    Instant.now());
        } catch (RuntimeException | LinkageError e) {
            return new AdapterHealth(ADAPTER_TYPE, HealthStatus.DOWN, VERSION, null, e.toString(), Instant.now());
        }
    }

    // ------------------------------------------------------------------------------------------

    /** Everything a job resolved from its parameters and the configuration. */
    record Setup(JobParameters params, double wavelength, double na, double dose, double defocus, double blur,
                 IlluminationSpec illumination, Source source, MaskLayout layout, ImagingGrid grid, boolean surrogate,
                 boolean audit) {

        OpticalSetting optical(double defocusNm) {
            return new OpticalSetting(wavelength, na, defocusNm, illumination, source.stepSigma(), grid.tileNm(),
                    grid.imagePx());
        }
    }

    Setup setup(JobParameters p) {
        return setup(p, props);
    }

    /** Resolves a job under a configuration (the full one, or physics-lite's). */
    Setup setup(JobParameters p, PhysicsSimulatorProperties cfg) {
        Map<String, Object> md = p.metadata();
        double lambda = p.wavelengthNm();
        double na = p.na();
        IlluminationSpec ill = IlluminationSpec.fromJob(p.sigma(), md);
        Source src = CostModel.source(ill, cfg.source().stepSigma(), cfg.source().minPoints());
        MaskLayout layout = PatternCatalogue.layout(p.jobClass(), p.patternComplexity(), lambda, na,
                cfg.grid().tileLambdaOverNa(), cfg.grid().guardLambdaOverNa());
        int maskPx = maskPx(layout.tileNm(), p.gridSizeNm(), cfg.grid().maxMaskPx());
        ImagingGrid grid = ImagingGrid.of(layout.tileNm(), maskPx, na, lambda, src.maxRadius());
        double defocus = number(md.get("defocus_nm"), 0.0);
        double blur = number(md.get("diffusion_nm"), cfg.resist().diffusionPerThickness() * p.resistThicknessNm());
        boolean surrogate = Boolean.TRUE.equals(p.useAiSurrogate());
        boolean audit = surrogate && (Boolean.parseBoolean(String.valueOf(md.getOrDefault("audit", "false")))
                || auditSampled(p.jobId()));
        return new Setup(p, lambda, na, p.doseMjCm2(), defocus, blur, ill, src, layout, grid, surrogate, audit);
    }

    /** Mask raster side: the tile on pixels of about grid_size_nm, a fast FFT size, capped by maxMaskPx. */
    static int maskPx(double tileNm, double gridSizeNm, int maxMaskPx) {
        return Math.min(ImagingGrid.niceSize((int) Math.ceil(tileNm / gridSizeNm)), largestNiceAtMost(maxMaskPx));
    }

    /**
     * FEM focus values (nm), exactly symmetric about 0 so that ±z share an image: for a real (binary)
     * mask and a point-symmetric source I(z) = I(−z). Range ±focusRangeRayleigh·λ/NA².
     */
    static double[] femFocus(double lambda, double na, PhysicsSimulatorProperties.Fem fem) {
        double rayleighDof = lambda / (na * na);
        int nf = Math.max(3, fem.focusPoints());
        double[] focus = new double[nf];
        for (int i = 0; i < nf; i++) {
            focus[i] = fem.focusRangeRayleigh() * rayleighDof * (2 * i - (nf - 1)) / (nf - 1);
        }
        return focus;
    }

    /** The distinct |z| a job images in one batched pass (its focus and the FEM's), ascending. */
    static double[] imagedFocus(double defocus, double[] femFocus) {
        java.util.TreeSet<Double> distinct = new java.util.TreeSet<>();
        distinct.add(Math.abs(defocus));
        for (double z : femFocus) {
            distinct.add(Math.abs(z));
        }
        return distinct.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private boolean auditSampled(String jobId) {
        double f = props.audit().fraction();
        return f > 0 && Math.floorMod(jobId.hashCode() * 0x9E3779B1, 10_000) < f * 10_000;
    }

    /**
     * The largest even 2·3·5-smooth size ≤ max (2 when there is none). Searched downward from max: called for every
     * job and every physics-lite estimate, and the upward scan over every even size it replaced was 16 % of the
     * request threads' CPU under the soak's predictions (docs/benchmarks.md "Soak and flood").
     */
    static int largestNiceAtMost(int max) {
        for (int n = max - (max & 1); n > 2; n -= 2) {
            if (ImagingGrid.niceSize(n) == n) {
                return n;
            }
        }
        return 2;
    }

    static double number(Object o, double dflt) {
        if (o == null) {
            return dflt;
        }
        return o instanceof Number num ? num.doubleValue() : Double.parseDouble(o.toString());
    }

    /** Imaging of one mask window at one focus, through the job's path; accumulates FLOPs. */
    private final class Imager {
        final Setup s;
        final NDManager m;
        final PhysicsSimulatorProperties cfg;
        double flops;
        double jobFlops;
        double buildFlops;
        int kernelCount = -1;
        long peakBytes;

        Imager(Setup s, NDManager m, PhysicsSimulatorProperties cfg) {
            this.s = s;
            this.m = m;
            this.cfg = cfg;
        }

        /** Kernels for each focus value; the missing ones are built in one batched pass and cached. */
        SocsKernels[] kernelsAt(double[] zs) {
            List<Object> keys = new ArrayList<>();
            for (double z : zs) {
                keys.add(List.of(s.optical(z), cfg.socs()));
            }
            return kernels.getAll(keys, missing -> {
                List<OpticalSetting> settings = new ArrayList<>();
                for (int i : missing) {
                    settings.add(s.optical(zs[i]));
                }
                OpticalSetting os = settings.get(0);
                int r = Math.min(s.source().size(), cfg.socs().maxKernels() + cfg.socs().oversample());
                double fBins = Math.PI * Math.pow(os.cutoff() * (1 + s.source().maxRadius()) * os.tileNm(), 2);
                buildFlops += missing.size() * 8.0 * fBins * s.source().size() * r
                        * (3 + 2 * cfg.socs().powerIterations());
                return List.of(SocsBuilder.buildAll(settings, s.source(), cfg.socs().maxKernels(),
                        cfg.socs().oversample(), cfg.socs().powerIterations()));
            });
        }

        /** Image of the window at focus z (an audit image: not counted as the job's imaging). */
        NDArray auditImage(NDArray maskWin, double z, boolean abbe) {
            int n = s.grid().imagePx();
            return images(maskWin, new double[] {z}, abbe, false).reshape(n, n);
        }

        /**
         * Images of one window ([n, n] → [nz, n, n]) or several ([B, n, n] → [B, nz, n, n]) at the focus
         * values zs, in one batched pass through the job's path. {@code job}: FLOPs count toward the
         * job's cost (CostModel reproduces exactly these).
         */
        NDArray images(NDArray maskWins, double[] zs, boolean abbe, boolean job) {
            long t = System.nanoTime();
            int n = s.grid().imagePx();
            int masks = maskWins.getShape().dimension() == 2 ? 1 : (int) maskWins.getShape().get(0);
            try (NDManager sub = m.newSubManager()) {
                sub.tempAttachAll(maskWins);
                NDArray img;
                if (abbe) {
                    for (double z : zs) {
                        double f = masks * Imaging.abbeFlops(Imaging.effectiveSourcePoints(s.source(), z), n);
                        flops += f;
                        jobFlops += job ? f : 0;
                    }
                    peakBytes = Math.max(peakBytes, 3L * cfg.source().batch() * n * n * 8);
                    img = Imaging.abbe(sub, maskWins, s.optical(zs[0]), zs, s.source(), cfg.source().batch());
                } else {
                    long tk = System.nanoTime();
                    SocsKernels[] ks = kernelsAt(zs);
                    StageClock.mark("socs kernels");
                    trace("kernels", tk);
                    long total = 0;
                    long kb = 0;
                    for (SocsKernels k : ks) {
                        kernelCount = k.count();
                        double f = masks * Imaging.socsFlops(k.count(), n);
                        flops += f;
                        jobFlops += job ? f : 0;
                        total += k.count();
                        kb += k.bytes();
                    }
                    peakBytes = Math.max(peakBytes, 3L * masks * total * n * n * 8 + kb);
                    img = SocsKernels.images(sub, maskWins, ks);
                }
                img.attach(m);
                StageClock.mark(abbe ? "imaging (abbe)" : "imaging (socs)");
                trace((abbe ? "abbe x" : "socs x") + masks * zs.length, t);
                return img;
            }
        }
    }

    /**
     * How much of the pipeline runs. FULL: everything, as the job asked. LITE: physics-lite (Abbe
     * only, no audit, no MEEF, no Bossung curves, no pictures, no progress events) under the lite
     * configuration.
     */
    enum Fidelity { FULL, LITE }

    /** What one pass of the pipeline produced. */
    record Run(Setup setup, SimulationOutputs outputs, SignalIntermediates intermediates, Double surrogateRmse,
               ComputeStats stats, PhysicsArtifacts artifacts, double accumulatedJobFlops) {
    }

    @Override
    public SimulationResult runJob(JobParameters p) {
        long t0 = System.nanoTime();
        Run run = simulate(p, Fidelity.FULL, props);
        StageClock.mark("result");
        CostModel.Terms costs = CostModel.of(p, props);
        // The closed form must be what the imaging really did (same mask/grid, same FLOPs).
        if (costs.maskPx() != run.setup().grid().maskPx() || costs.imagePx() != run.setup().grid().imagePx()
                || Math.abs(costs.jobFlops() - run.accumulatedJobFlops()) > 1e-9 * costs.jobFlops()) {
            throw new IllegalStateException("cost model drifted from the imaging: closed form " + costs
                    + ", imaging " + run.accumulatedJobFlops() + " FLOPs on " + run.setup().grid());
        }
        double rmse = run.surrogateRmse() != null ? run.surrogateRmse() : costs.nominalSurrogateRmse();
        TradeoffSignals signals = Signals.compose(costs, rmse, run.intermediates());
        remember(run.artifacts());
        StageClock.mark("cost model, signals");
        emit(p.jobId(), "done", 1.0, t0, Map.of("cd_nm", run.outputs().cdNm(),
                "depth_of_focus_nm", run.outputs().depthOfFocusNm()));
        return new SimulationResult(p.jobId(), p, run.outputs(), signals, run.stats(), Instant.now(), VERSION,
                ADAPTER_TYPE);
    }

    /**
     * The intermediates a result's signals were composed from: pattern fidelity, depth of focus and
     * failure probability as reported, I_edge·NILS from {@code edge_log_slope} (results before
     * physics-2.0 lack it: then rebuilt from NILS and dose-to-size, I_edge = E_th/E_size, to rounding).
     */
    @Override
    public Optional<SignalIntermediates> intermediatesOf(SimulationResult r) {
        if (!ADAPTER_TYPE.equals(r.adapterType())) {
            return Optional.empty();
        }
        SimulationOutputs o = r.outputs();
        double slope;
        if (o.edgeLogSlope() != null) {
            slope = o.edgeLogSlope();
        } else if (o.nils() != null && o.doseToSizeMjCm2() != null && o.nils() > 0 && o.doseToSizeMjCm2() > 0) {
            slope = props.resist().threshold() * props.resist().referenceDoseMjCm2() / o.doseToSizeMjCm2() * o.nils();
        } else {
            slope = 0;
        }
        return Optional.of(new SignalIntermediates(o.patternFidelity(), o.depthOfFocusNm(),
                o.stochasticFailureProbability() == null ? 1.0 : o.stochasticFailureProbability(), slope));
    }

    /**
     * The signals a job with these intermediates gets: the job's closed-form cost terms
     * ({@link CostModel}, the same function runJob uses) composed with the intermediates. No imaging.
     * For jobs whose surrogate was audited (metadata.audit or audit.fraction) runJob uses the measured
     * surrogate error; this gives the signals with the nominal (closed-form) error.
     *
     * @throws IllegalArgumentException for NaN intermediates
     */
    @Override
    public Optional<TradeoffSignals> composeSignals(JobParameters p, SignalIntermediates intermediates) {
        CostModel.Terms c = costTerms(p);
        return Optional.of(Signals.compose(c, c.nominalSurrogateRmse(), intermediates));
    }

    /** Cost terms of recently composed jobs: a caller composes one job several times (its uncertainty), and the
     * closed form scans the job's frequency grid (≈ 0.1–1 ms), so each job pays for it once. */
    private final Map<JobParameters, CostModel.Terms> recentCosts = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<JobParameters, CostModel.Terms> eldest) {
            return size() > 4096;
        }
    };

    private CostModel.Terms costTerms(JobParameters p) {
        synchronized (recentCosts) {
            CostModel.Terms c = recentCosts.get(p);
            if (c != null) {
                return c;
            }
        }
        CostModel.Terms c = CostModel.of(p, props);
        synchronized (recentCosts) {
            recentCosts.put(p, c);
        }
        return c;
    }

    /**
     * Physics-lite: the same pipeline ({@link #simulate}) at the lite fidelity (coarser source,
     * capped mask raster, fewer focus points, Abbe only, no MEEF/Bossung/pictures/events), its
     * intermediates composed with the FULL job's cost terms. errorEstimate: per signal, the largest
     * change when one intermediate moves by the lite run's own resolution (one step of the refined
     * focus grid DoF is read on, half a lite mask pixel on both edges of the CD in fidelity, a factor
     * √10 in failure probability, 10 % in I_edge·NILS); recomposition only, no extra imaging. A
     * heuristic scale, not a calibrated interval (docs/physics.md gives its measured coverage).
     */
    @Override
    public Optional<LiteEstimate> estimateSignals(JobParameters p) {
        long t0 = System.nanoTime();
        PhysicsSimulatorProperties lite = liteProps(p);
        Run run = simulate(p, Fidelity.LITE, lite);
        CostModel.Terms c = CostModel.of(p, props);
        double eps = c.nominalSurrogateRmse();
        SignalIntermediates in = run.intermediates();
        TradeoffSignals signals = Signals.compose(c, eps, in);
        double[] base = signals.toArray();
        double[] err = new double[base.length];
        // DoF is read on the FEM focus grid refined ProcessWindow.REFINE× (its resolution); fidelity
        // (IoU on the lite raster) moves by about one lite pixel over the CD when both edges move ½ px.
        double focusStep = 2 * lite.fem().focusRangeRayleigh() * p.wavelengthNm() / (p.na() * p.na())
                / (Math.max(3, lite.fem().focusPoints()) - 1) / ProcessWindow.REFINE;
        double fidStep = Math.min(1, run.setup().grid().maskPixelNm() / run.setup().layout().targetCdNm());
        List<SignalIntermediates> moved = List.of(
                new SignalIntermediates(in.patternFidelity(), in.depthOfFocusNm() + focusStep, in.failureProbability(), in.edgeLogSlope()),
                new SignalIntermediates(in.patternFidelity(), Math.max(0, in.depthOfFocusNm() - focusStep), in.failureProbability(), in.edgeLogSlope()),
                new SignalIntermediates(Math.min(1, in.patternFidelity() + fidStep), in.depthOfFocusNm(), in.failureProbability(), in.edgeLogSlope()),
                new SignalIntermediates(Math.max(0, in.patternFidelity() - fidStep), in.depthOfFocusNm(), in.failureProbability(), in.edgeLogSlope()),
                new SignalIntermediates(in.patternFidelity(), in.depthOfFocusNm(), Math.min(1, in.failureProbability() * Math.sqrt(10)), in.edgeLogSlope()),
                new SignalIntermediates(in.patternFidelity(), in.depthOfFocusNm(), in.failureProbability() / Math.sqrt(10), in.edgeLogSlope()),
                new SignalIntermediates(in.patternFidelity(), in.depthOfFocusNm(), in.failureProbability(), in.edgeLogSlope() * 1.1),
                new SignalIntermediates(in.patternFidelity(), in.depthOfFocusNm(), in.failureProbability(), in.edgeLogSlope() / 1.1));
        for (SignalIntermediates mi : moved) {
            double[] v = Signals.compose(c, eps, mi).toArray();
            for (int i = 0; i < v.length; i++) {
                err[i] = Math.max(err[i], Math.abs(v[i] - base[i]));
            }
        }
        String label = String.format(Locale.ROOT, "lite-%dpt-%dpx-%df", run.setup().source().size(),
                run.setup().grid().maskPx(), lite.fem().focusPoints());
        return Optional.of(new LiteEstimate(signals, in, err, label, (System.nanoTime() - t0) / 1e9));
    }

    /**
     * The audit flow's re-run: the job's mask window imaged at its focus through SOCS (the path the
     * job took; kernels usually cached from the job) and through the full Abbe sum over the job's
     * source points, under the job's full configuration. Compares the aerial images only: that is
     * where the two paths differ (everything downstream is the same code on the image), and it costs
     * one Abbe image instead of a whole second job (docs/ml.md §14). Nothing is remembered or emitted
     * for the job, so its result, artifacts and progress are untouched.
     */
    @Override
    public Optional<dev.lto.simulator.spi.SurrogateAudit> auditSurrogate(JobParameters p) {
        if (!Boolean.TRUE.equals(p.useAiSurrogate())) {
            return Optional.empty();
        }
        long t0 = System.nanoTime();
        Setup s = setup(p, props);
        ImagingGrid g = s.grid();
        double z = Math.abs(s.defocus());
        try (NDManager m = Djl.newManager()) {
            Imager im = new Imager(s, m, props);
            NDArray win = Imaging.maskWindow(m, Rasterizer.rasterize(s.layout(), g.maskPx()), g.maskPx(), g.imagePx());
            NDArray socsImg = im.auditImage(win, z, false);
            long ta = System.nanoTime();
            NDArray abbeImg = im.auditImage(win, z, true);
            double abbeSeconds = (System.nanoTime() - ta) / 1e9;
            double rmse = socsImg.sub(abbeImg).square().mean().sqrt().getFloat();
            double nominal = costTerms(p).nominalSurrogateRmse();
            return Optional.of(new dev.lto.simulator.spi.SurrogateAudit(rmse, nominal, abbeSeconds,
                    (System.nanoTime() - t0) / 1e9, g.imagePx(), VERSION));
        }
    }

    /** The lite configuration: coarser source, smaller mask cap, fewer focus points (shape-aware pitch). */
    PhysicsSimulatorProperties liteProps(JobParameters p) {
        PhysicsSimulatorProperties.Lite lite = props.lite();
        IlluminationSpec ill = IlluminationSpec.fromJob(p.sigma(), p.metadata());
        // Pitch for ≈ sourcePoints lattice cells over the shape's area, never finer than the full run's.
        double step = Math.max(props.source().stepSigma(),
                Math.sqrt(CostModel.shapeArea(ill) / Math.max(1, lite.sourcePoints())));
        step = Math.round(step * 1e4) / 1e4; // a stable key for the source cache
        PhysicsSimulatorProperties.Fem f = props.fem();
        return props.withSource(new PhysicsSimulatorProperties.Source(step, props.source().minPoints(),
                        props.source().batch()))
                .withGrid(new PhysicsSimulatorProperties.Grid(props.grid().tileLambdaOverNa(),
                        props.grid().guardLambdaOverNa(), Math.min(props.grid().maxMaskPx(), lite.maxMaskPx())))
                .withFem(new PhysicsSimulatorProperties.Fem(lite.focusPoints(), f.dosePoints(), f.focusRangeRayleigh(),
                        f.doseStep(), f.cdTolerance(), f.exposureLatitudePct()));
    }

    /** One pass of the pipeline (full job or physics-lite) under configuration cfg. */
    Run simulate(JobParameters p, Fidelity mode, PhysicsSimulatorProperties cfg) {
        long t0 = System.nanoTime();
        boolean full = mode == Fidelity.FULL;
        String jobId = p.jobId();
        if (full) {
            emit(jobId, "mask", 0.0, t0, null);
        }
        Setup s = setup(p, cfg);
        boolean socs = full && s.surrogate();
        boolean audit = full && s.audit();
        MaskLayout layout = s.layout();
        ImagingGrid g = s.grid();
        int nMask = g.maskPx();
        double cdT = layout.targetCdNm();
        double eTh = cfg.resist().threshold() * cfg.resist().referenceDoseMjCm2(); // mJ/cm²
        double level = eTh / s.dose();
        boolean line = layout.featureIsLine();
        double h = Math.min(cdT / 100, g.maskPixelNm());
        double cutStart = layout.centerX() - layout.cutHalfWidthNm();
        int cutCount = (int) Math.ceil(2 * layout.cutHalfWidthNm() / h) + 1;

        try (NDManager m = Djl.newManager()) {
            Imager im = new Imager(s, m, cfg);
            float[] raster = Rasterizer.rasterize(layout, nMask);
            StageClock.mark("mask raster");
            NDArray win = Imaging.maskWindow(m, raster, nMask, g.imagePx());
            StageClock.mark("mask fft");
            double maskFft = Imaging.fftFlops(nMask);
            im.flops += maskFft;
            im.jobFlops += maskFft;
            im.peakBytes = Math.max(im.peakBytes, (long) nMask * nMask * (4 + 8 + 8));
            if (full) {
                emit(jobId, "imaging", 0.1, t0, Map.of("source_points", (double) s.source().size(),
                        "image_grid_px", (double) g.imagePx()));
            }

            // All distinct |z| (the job's focus and the FEM's) are imaged in one batched pass.
            PhysicsSimulatorProperties.Fem fem = cfg.fem();
            double[] focus = femFocus(s.wavelength(), s.na(), fem);
            int nf = focus.length;
            double[] zs = imagedFocus(s.defocus(), focus);
            BandLimitedImage[] focusImages = BandLimitedImage.ofAll(im.images(win, zs, !socs, true), g.tileNm());
            StageClock.mark("spectra");
            java.util.function.DoubleFunction<BandLimitedImage> focusImage =
                    z -> focusImages[java.util.Arrays.binarySearch(zs, Math.abs(z))];

            BandLimitedImage aerial = focusImage.apply(s.defocus());
            Double surrogateRmse = null;
            if (audit) {
                NDArray socsImg = im.auditImage(win, Math.abs(s.defocus()), false);
                NDArray abbeImg = im.auditImage(win, Math.abs(s.defocus()), true);
                surrogateRmse = (double) socsImg.sub(abbeImg).square().mean().sqrt().getFloat();
            }
            trace("nominal+audit", t0);
            if (full) {
                emit(jobId, "resist", 0.3, t0, null);
            }
            BandLimitedImage resist = aerial.blurred(s.blur());
            CutProfile aerialCut = new CutProfile(cutStart, h, aerial.lineX(layout.centerY(), cutStart, h, cutCount),
                    layout.centerX(), line);
            CutProfile resistCut = new CutProfile(cutStart, h, resist.lineX(layout.centerY(), cutStart, h, cutCount),
                    layout.centerX(), line);
            CutProfile.Cd cd = resistCut.cd(level);
            double xl = layout.centerX() - cdT / 2;
            double xr = layout.centerX() + cdT / 2;
            double iEdge = 0.5 * (resistCut.at(xl) + resistCut.at(xr));
            double doseToSize = eTh / iEdge;
            double nils = cdT * 0.5 * (Math.abs(aerialCut.logSlope(xl)) + Math.abs(aerialCut.logSlope(xr)));
            double contrast = (aerialCut.max() - aerialCut.min()) / (aerialCut.max() + aerialCut.min());

            trace("resist/metrics", t0);
            StageClock.mark("resist, cd, nils");
            if (full) {
                emit(jobId, "fem", 0.45, t0, null);
            }
            CutProfile[] profiles = new CutProfile[nf];
            // ±z share one image, so they share its cut line too (and the job's focus its resist cut):
            // the same computation on the same coefficients, bit for bit.
            Map<Double, CutProfile> byAbsFocus = new java.util.HashMap<>();
            byAbsFocus.put(Math.abs(s.defocus()), resistCut);
            for (int i = 0; i < nf; i++) {
                profiles[i] = byAbsFocus.computeIfAbsent(Math.abs(focus[i]), az -> new CutProfile(cutStart, h,
                        focusImage.apply(az).blurred(s.blur()).lineX(layout.centerY(), cutStart, h, cutCount),
                        layout.centerX(), line));
                if (full) {
                    emit(jobId, "fem", 0.45 + 0.3 * (i + 1) / nf, t0, null);
                }
            }
            ProcessWindow pw = ProcessWindow.of(focus, profiles, cdT, eTh, fem.cdTolerance(),
                    fem.exposureLatitudePct() / 100);
            StageClock.mark("fem profiles + process window");
            double doseCentre = Double.isFinite(doseToSize) && doseToSize > 0 ? doseToSize : s.dose();
            List<BossungCurve> bossung = new ArrayList<>();
            double meef = Double.NaN;
            if (full) {
                int nd = Math.max(1, fem.dosePoints());
                for (int j = 0; j < nd; j++) {
                    double e = doseCentre * (1 + fem.doseStep() * (j - (nd - 1) / 2.0));
                    double[] cds = new double[nf];
                    for (int i = 0; i < nf; i++) {
                        CutProfile.Cd c = profiles[i].cd(eTh / e);
                        cds[i] = c.ok() ? c.nm() : Double.NaN;
                    }
                    bossung.add(new BossungCurve(e, focus.clone(), cds));
                }
                trace("fem", t0);
                StageClock.mark("bossung");
                emit(jobId, "metrics", 0.8, t0, null);
                meef = meef(im, layout, s, nMask, g, cdT, cutStart, h, cutCount, line, eTh / doseCentre, maskFft);
                trace("meef", t0);
                StageClock.mark("meef profiles");
            }
            // Shot noise at the job's dose, margins at dose-to-size.
            double iClear = line ? resistCut.max() : resistCut.at(layout.centerX());
            double iStay = line ? resistCut.at(layout.centerX()) : resistCut.min();
            double area = STOCHASTIC_AREA_CD2 * cdT * cdT;
            double pFail = Stochastics.failureProbability(s.dose(), s.wavelength(), p.resistThicknessNm(), area,
                    iEdge, iClear, iStay, STOCHASTIC_VOXELS);
            StageClock.mark("stochastics");

            // Full-resolution resist image for fidelity. The report pictures need no more than
            // Renderer.MAX_IMAGE_PX a side: on a bigger mask grid they are interpolated from the same
            // band-limited coefficients at that size (exact, like the full grid) instead of 2 more
            // full-grid inverse FFTs (2048² on ArF tiles: the largest single cost of such a job).
            float[] resistFull = resist.upsample(m, nMask);
            im.flops += Imaging.fftFlops(nMask);
            int picPx = nMask <= Renderer.MAX_IMAGE_PX ? nMask : Renderer.MAX_IMAGE_PX;
            float[] aerialPic = null;
            float[] resistPic = null;
            if (full) {
                aerialPic = aerial.upsample(m, picPx);
                resistPic = picPx == nMask ? resistFull : resist.upsample(m, picPx);
                im.flops += (picPx == nMask ? 1 : 2) * Imaging.fftFlops(picPx);
            }
            StageClock.mark("full images (upsample)");
            im.peakBytes = Math.max(im.peakBytes, (long) nMask * nMask * (8 + 4 * 2));
            double fidelity = fidelity(layout, raster, resistFull, nMask, level);
            StageClock.mark("fidelity");
            trace("full images", t0);

            // I_edge·NILS: how much CD error an image error causes (0 when either is not positive).
            // DoF: the number is kept as measured; when the window it was read on was still open at the
            // edge of the FEM focus range, the output says it is a lower bound (depth_of_focus_lower_bound).
            double edgeLogSlope = nils > 0 && iEdge > 0 ? iEdge * nils : 0;
            SignalIntermediates inter = new SignalIntermediates(fidelity, pw.dofNm(), pFail, edgeLogSlope);
            double resolution = s.wavelength() / (2 * s.na() * (1 + s.source().maxRadius()));
            double cdNm = cd.ok() ? cd.nm() : (cd.status() == CutProfile.Status.MISSING ? 0 : 2 * layout.cutHalfWidthNm());
            SimulationOutputs out = new SimulationOutputs(resolution, pw.dofNm(), fidelity, layout.k1(), cdT, cdNm,
                    cdNm - cdT, finite(nils), finite(contrast), finite(doseToSize), finite(pw.exposureLatitudePct()),
                    finite(meef), pFail, surrogateRmse, s.defocus(), s.illumination().describe(), s.blur(),
                    edgeLogSlope, pw.dofAtEdge() ? Boolean.TRUE : null);
            double wall = (System.nanoTime() - t0) / 1e9;
            ComputeStats stats = new ComputeStats(wall, socs ? "socs" : "abbe", s.source().size(), nMask,
                    g.maskPixelNm(), socs ? im.kernelCount : null, Djl.deviceName(),
                    im.flops + im.buildFlops, im.peakBytes, g.imagePx());
            double picPixelNm = g.tileNm() / picPx;
            PhysicsArtifacts art = full ? new PhysicsArtifacts(jobId, new ImageArray(picPx, picPx, picPixelNm,
                    aerialPic), new ImageArray(picPx, picPx, picPixelNm, resistPic), level, cdT,
                    fem.cdTolerance(), bossung, new PhysicsArtifacts.Caption(g.maskPixelNm(), nMask, s.defocus(),
                    s.dose(), s.surrogate() ? "socs" : "abbe", pw.dofNm())) : null;
            return new Run(s, out, inter, surrogateRmse, stats, art, im.jobFlops);
        }
    }

    /** MEEF: uniform mask bias ±δ (wafer scale, i.e. mask CD / 4), CD at dose-to-size, job focus. */
    private double meef(Imager im, MaskLayout layout, Setup s, int nMask, ImagingGrid g, double cdT, double cutStart,
                        double h, int cutCount, boolean line, double level, double maskFft) {
        NDManager m = im.m;
        double delta = 0.05 * cdT;
        double[] cdBias = new double[2];
        NDList biasedWins = new NDList();
        for (int k = 0; k < 2; k++) {
            MaskLayout biased = layout.biased(k == 0 ? -delta : delta);
            biasedWins.add(Imaging.maskWindow(m, Rasterizer.rasterize(biased, nMask), nMask, g.imagePx()));
            StageClock.mark("meef raster + fft");
            im.flops += maskFft;
            im.jobFlops += maskFft;
        }
        BandLimitedImage[] biasedImages = BandLimitedImage.ofAll(im.images(NDArrays.stack(biasedWins),
                new double[] {Math.abs(s.defocus())}, !s.surrogate(), true), g.tileNm());
        for (int k = 0; k < 2; k++) {
            BandLimitedImage bi = biasedImages[k].blurred(s.blur());
            CutProfile bc = new CutProfile(cutStart, h, bi.lineX(layout.centerY(), cutStart, h, cutCount),
                    layout.centerX(), line);
            CutProfile.Cd c = bc.cd(level);
            cdBias[k] = c.ok() ? c.nm() : Double.NaN;
        }
        return (cdBias[1] - cdBias[0]) / (2 * delta);
    }

    /** Independent critical areas per feature for the stochastic estimate (a feature ~ 10 CD long / CD). */
    static final int STOCHASTIC_VOXELS = 10;
    /**
     * Critical area in units of CD²; the one calibrated constant of the shot-noise model, set so that
     * EUV 16-17 nm lines/spaces fail at ~1e-5 per feature at 30 mJ/cm² and ~1e-3 at 20 mJ/cm².
     */
    static final double STOCHASTIC_AREA_CD2 = 0.5;

    private static final boolean TRACE = Boolean.getBoolean("lto.physics.trace");

    /** Stage timing on stderr when -Dlto.physics.trace=true (development aid). */
    static void trace(String what, long since) {
        if (TRACE) {
            System.err.printf(java.util.Locale.ROOT, "  [trace] %-14s %8.1f ms%n", what, (System.nanoTime() - since) / 1e6);
        }
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * Intersection over union of printed and drawn features inside the guard band. A pixel is a
     * drawn feature when the feature covers at least half of it; printed features are where the
     * resist stays (clear-field) or clears (dark-field).
     */
    static double fidelity(MaskLayout layout, float[] raster, float[] resist, int n, double level) {
        double px = layout.tileNm() / n;
        int lo = (int) Math.ceil(layout.guardNm() / px);
        int hi = n - lo;
        long inter = 0;
        long union = 0;
        boolean line = layout.featureIsLine();
        for (int r = lo; r < hi; r++) {
            for (int c = lo; c < hi; c++) {
                int i = r * n + c;
                boolean drawn = line ? raster[i] < 0.5f : raster[i] >= 0.5f;
                boolean clears = resist[i] >= level;
                boolean printed = line != clears;
                if (drawn && printed) {
                    inter++;
                }
                if (drawn || printed) {
                    union++;
                }
            }
        }
        return union == 0 ? 0 : (double) inter / union;
    }

    private void remember(PhysicsArtifacts a) {
        synchronized (artifacts) {
            artifacts.put(a.jobId(), a);
            while (artifacts.size() > Math.max(0, props.cache().artifactsRetained())) {
                artifacts.remove(artifacts.keySet().iterator().next());
            }
        }
    }

    private void emit(String jobId, String stage, double progress, long t0, Map<String, Double> m) {
        MetricSnapshot snap = new MetricSnapshot(jobId, Instant.now(), ADAPTER_TYPE, stage, progress,
                (System.nanoTime() - t0) / 1e9, null, Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(),
                m);
        synchronized (metrics) {
            metrics.tryEmitNext(snap);
        }
    }
}
