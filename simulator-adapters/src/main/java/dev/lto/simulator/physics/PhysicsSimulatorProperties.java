package dev.lto.simulator.physics;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the physics simulator, prefix {@code lto.simulator.physics}. Defaults here and in
 * {@link #defaults()} must agree.
 */
@ConfigurationProperties("lto.simulator.physics")
public record PhysicsSimulatorProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue Grid grid,
        @DefaultValue Source source,
        @DefaultValue Socs socs,
        @DefaultValue Cache cache,
        @DefaultValue Fem fem,
        @DefaultValue Resist resist,
        @DefaultValue Audit audit,
        @DefaultValue Lite lite) {

    /**
     * Tile and sampling. {@code tileLambdaOverNa}: side of the periodic tile in λ/NA;
     * {@code guardLambdaOverNa}: empty guard band at its border (isolated features must not see
     * their periodic copies); {@code maxMaskPx}: memory bound on the mask raster (N ≤ this; the
     * mask pixel grows beyond grid_size_nm when the tile would need more).
     */
    public record Grid(@DefaultValue("16") double tileLambdaOverNa, @DefaultValue("2.5") double guardLambdaOverNa,
                       @DefaultValue("2048") int maxMaskPx) {
    }

    /**
     * Abbe source sampling: lattice pitch in σ units, minimum points for small poles (the pitch is
     * halved until reached), and source points per batch (memory: batch·n²·8 bytes per tensor).
     */
    public record Source(@DefaultValue("0.05") double stepSigma, @DefaultValue("8") int minPoints,
                         @DefaultValue("1024") int batch) {
    }

    /**
     * SOCS fast path: K = min(maxKernels, source points, frequencies) kernels (a closed form; no
     * energy threshold since physics-1.1), randomized-SVD oversampling and power iterations.
     */
    public record Socs(@DefaultValue("32") int maxKernels, @DefaultValue("16") int oversample,
                       @DefaultValue("1") int powerIterations) {
    }

    /** Memory bounds: bytes of cached SOCS kernels, finished jobs whose images are kept for reports. */
    public record Cache(@DefaultValue("268435456") long kernelBytes, @DefaultValue("16") int artifactsRetained) {
    }

    /**
     * Focus–exposure matrix: focus points over ±{@code focusRangeRayleigh}·λ/NA², dose points
     * spaced {@code doseStep} (relative) around dose-to-size, CD tolerance and the exposure
     * latitude (%) at which depth of focus is read.
     */
    public record Fem(@DefaultValue("7") int focusPoints, @DefaultValue("7") int dosePoints,
                      @DefaultValue("1.5") double focusRangeRayleigh, @DefaultValue("0.04") double doseStep,
                      @DefaultValue("0.10") double cdTolerance, @DefaultValue("5") double exposureLatitudePct) {
    }

    /**
     * Threshold resist: clears where dose·I_blur ≥ threshold·referenceDose (the ICCAD-2013 constant
     * threshold 0.225 at a 30 mJ/cm² reference); acid diffusion length = diffusionPerThickness ·
     * resist thickness unless the job's metadata.diffusion_nm overrides it.
     */
    public record Resist(@DefaultValue("0.225") double threshold, @DefaultValue("30") double referenceDoseMjCm2,
                         @DefaultValue("0.1") double diffusionPerThickness) {
    }

    /**
     * Surrogate audits: jobs with metadata.audit=true always run both paths; in addition this
     * fraction of surrogate jobs, chosen by a hash of the job id (deterministic), is audited.
     */
    public record Audit(@DefaultValue("0.0") double fraction) {
    }

    /**
     * Physics-lite ({@code estimateSignals}): the same simulation at reduced fidelity, Abbe only, no
     * SOCS build, MEEF, Bossung, pictures or progress events. {@code sourcePoints}: the source lattice
     * pitch is widened to about this many points (never finer than {@code source.step-sigma});
     * {@code maxMaskPx}: mask raster cap; {@code focusPoints}: FEM focus points. Defaults: the
     * fidelity chosen from the measured curve on 1,000 held-out jobs (docs/physics.md, physics-lite): ≈ 250
     * points, 1024 px, 5 focus points (99.98% of pairs within 0.05, at about the time of 120 points / 512 px).
     */
    public record Lite(@DefaultValue("250") int sourcePoints, @DefaultValue("1024") int maxMaskPx,
                       @DefaultValue("5") int focusPoints) {
    }

    public static PhysicsSimulatorProperties defaults() {
        return new PhysicsSimulatorProperties(true,
                new Grid(16, 2.5, 2048),
                new Source(0.05, 8, 1024),
                new Socs(32, 16, 1),
                new Cache(256L << 20, 16),
                new Fem(7, 7, 1.5, 0.04, 0.10, 5),
                new Resist(0.225, 30, 0.1),
                new Audit(0.0),
                new Lite(250, 1024, 5));
    }

    public PhysicsSimulatorProperties withSource(Source s) {
        return new PhysicsSimulatorProperties(enabled, grid, s, socs, cache, fem, resist, audit, lite);
    }

    public PhysicsSimulatorProperties withGrid(Grid g) {
        return new PhysicsSimulatorProperties(enabled, g, source, socs, cache, fem, resist, audit, lite);
    }

    public PhysicsSimulatorProperties withSocs(Socs s) {
        return new PhysicsSimulatorProperties(enabled, grid, source, s, cache, fem, resist, audit, lite);
    }

    public PhysicsSimulatorProperties withLite(Lite l) {
        return new PhysicsSimulatorProperties(enabled, grid, source, socs, cache, fem, resist, audit, l);
    }

    public PhysicsSimulatorProperties withFem(Fem f) {
        return new PhysicsSimulatorProperties(enabled, grid, source, socs, cache, f, resist, audit, lite);
    }
}
