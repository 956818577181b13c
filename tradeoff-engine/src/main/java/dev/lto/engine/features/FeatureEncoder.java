package dev.lto.engine.features;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.contracts.JobParameters;
import java.util.Arrays;
import java.util.List;

/**
 * Turns job parameters into the model's standardised feature vector: the nine physics-relevant
 * job parameters plus derived physics features and interactions. Fitted on training data only
 * (the k₁ table and the scaler) and stored with the model, so training and serving encode alike.
 *
 * <p>Why each derived feature (PHYSICS.md, seed §3.2): the pattern's CD is k₁·λ/NA (nm), depth
 * of focus scales as k₂·λ/NA² (nm), the seed's MTF at the pattern frequency tells how much image
 * contrast survives, photons per CD² set shot noise (yield risk), and the mask pixel in units of
 * λ/NA sets grid adequacy and cost. Skewed quantities enter as logarithms so that the scaler, the
 * MLP, the GP and the Mahalanobis distance see roughly Gaussian coordinates.
 *
 * @param k1ByClass pattern k₁ per job class (index = class, 1–20), learned from the campaign's
 *                  simulator outputs ({@code outputs.k1}): the catalogue lives behind the SPI
 * @param mean      scaler means, one per feature
 * @param std       scaler standard deviations, one per feature (never 0)
 */
public record FeatureEncoder(
        @JsonProperty("k1_by_class") double[] k1ByClass,
        @JsonProperty("mean") double[] mean,
        @JsonProperty("std") double[] std) {

    /** Feature names in vector order; the first nine are the job parameters (as named in the contract). */
    public static final List<String> NAMES = List.of(
            "na", "wavelength_nm", "dose_mj_cm2", "sigma", "resist_thickness_nm", "grid_size_nm",
            "pattern_complexity", "use_ai_surrogate", "job_class",
            "k1", "log_resolution_nm", "log_depth_of_focus_nm", "mtf_pattern", "na_x_dose",
            "log_lambda_over_na", "log_photons_per_cd2", "log_grid_na_over_lambda", "log_dose",
            "log_blur_na_over_lambda", "first_order_share", "third_order_share", "beyond_cutoff", "log_mask_px");

    /** Number of leading features that are the job parameters themselves (the OOD test uses these). */
    public static final int PARAMETER_COUNT = 9;

    /** Rayleigh depth-of-focus constant k₂ used for the DoF feature (dimensionless; PHYSICS.md §8). */
    static final double K2 = 0.5;

    /** Acid diffusion length per nm of resist thickness, the simulator's documented default (docs/physics.md §3). */
    static final double DIFFUSION_PER_THICKNESS = 0.1;

    /** Tile side in λ/NA and the mask raster's cap (docs/physics.md §2, the simulator's defaults): mask pixels ≈ min(cap, 16·λ/(NA·grid)). */
    static final double TILE_LAMBDA_OVER_NA = 16;
    static final double MAX_MASK_PX = 2048;

    /** Photons per nm² delivered by 1 mJ/cm² per nm of wavelength: 0.68 photons/nm² at 13.5 nm (PHYSICS.md), ∝ λ. */
    static final double PHOTONS_PER_NM2_PER_MJ_PER_NM = 0.68 / 13.5;

    public FeatureEncoder {
        if (mean.length != NAMES.size() || std.length != NAMES.size()) {
            throw new IllegalArgumentException("scaler has " + mean.length + "/" + std.length + " entries, expected " + NAMES.size());
        }
    }

    public static int size() {
        return NAMES.size();
    }

    /** Fits the k₁ table and the scaler on training jobs ({@code k1Observed[i]} from the simulator, NaN if absent). */
    public static FeatureEncoder fit(List<JobParameters> jobs, double[] k1Observed) {
        double[] sum = new double[21];
        int[] count = new int[21];
        double all = 0;
        int allCount = 0;
        for (int i = 0; i < jobs.size(); i++) {
            double k = k1Observed[i];
            if (Double.isFinite(k) && k > 0) {
                sum[jobs.get(i).jobClass()] += k;
                count[jobs.get(i).jobClass()]++;
                all += k;
                allCount++;
            }
        }
        double fallback = allCount == 0 ? 0.4 : all / allCount;
        double[] table = new double[21];
        for (int c = 0; c < 21; c++) {
            table[c] = count[c] == 0 ? fallback : sum[c] / count[c];
        }
        int d = size();
        double[][] raw = new double[jobs.size()][];
        for (int i = 0; i < jobs.size(); i++) {
            raw[i] = raw(jobs.get(i), table);
        }
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            double m = 0;
            for (double[] r : raw) {
                m += r[j];
            }
            m /= Math.max(1, raw.length);
            double v = 0;
            for (double[] r : raw) {
                v += (r[j] - m) * (r[j] - m);
            }
            double s = Math.sqrt(v / Math.max(1, raw.length - 1));
            mean[j] = m;
            std[j] = s > 1e-12 ? s : 1.0; // a constant feature carries no information; keep it at 0
        }
        return new FeatureEncoder(table, mean, std);
    }

    /** The unscaled feature vector. */
    public double[] raw(JobParameters p) {
        return raw(p, k1ByClass);
    }

    /** The standardised feature vector. */
    public double[] encode(JobParameters p) {
        double[] r = raw(p, k1ByClass);
        for (int j = 0; j < r.length; j++) {
            r[j] = (r[j] - mean[j]) / std[j];
        }
        return r;
    }

    /** Standardised features of many jobs, row-major, as float (the models' input type). */
    public float[] encodeRows(List<JobParameters> jobs) {
        int d = size();
        float[] out = new float[jobs.size() * d];
        for (int i = 0; i < jobs.size(); i++) {
            double[] e = encode(jobs.get(i));
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (float) e[j];
            }
        }
        return out;
    }

    static double[] raw(JobParameters p, double[] k1Table) {
        double na = p.na();
        double lambda = p.wavelengthNm();
        double dose = p.doseMjCm2();
        int cls = Math.clamp(p.jobClass(), 1, 20);
        double k1 = k1Table[cls];
        double cd = k1 * lambda / na;                                   // pattern CD = k₁·λ/NA, nm
        double dof = K2 * lambda / (na * na);                           // DoF = k₂·λ/NA², nm
        double photons = dose * PHOTONS_PER_NM2_PER_MJ_PER_NM * lambda * cd * cd; // photons in a CD² area
        double blur = DIFFUSION_PER_THICKNESS * p.resistThicknessNm() * na / lambda;   // resist blur in λ/NA
        // A grating of pitch 2·CD sends its first order to 1/(2k₁) and its third to 3/(2k₁) (σ units of NA/λ).
        double sigma = Math.max(p.sigma(), 1e-6);
        double maskPx = Math.min(MAX_MASK_PX, TILE_LAMBDA_OVER_NA * lambda / (na * p.gridSizeNm()));
        return new double[] {
                na, lambda, dose, p.sigma(), p.resistThicknessNm(), p.gridSizeNm(),
                p.patternComplexity().ordinal(), Boolean.TRUE.equals(p.useAiSurrogate()) ? 1 : 0, cls,
                k1, Math.log(cd), Math.log(dof), mtf(1 / (4 * k1)), na * dose,
                Math.log(lambda / na), Math.log(photons), Math.log(p.gridSizeNm() * na / lambda), Math.log(dose),
                Math.log(blur), passingShare(sigma, 1 / (2 * k1)), passingShare(sigma, 3 / (2 * k1)),
                1 / (2 * k1) > 1 + sigma ? 1 : 0, Math.log(maskPx)};
    }

    /**
     * Share of a conventional source disk of radius σ whose diffraction order, shifted by {@code d}
     * (σ units, i.e. NA/λ), still enters the unit pupil: the circle–circle intersection area over
     * πσ² (PHYSICS.md, "Source sampling"). Image modulation of that order is proportional to it.
     */
    static double passingShare(double sigma, double d) {
        double r1 = sigma;
        double r2 = 1;
        if (d >= r1 + r2) {
            return 0;
        }
        if (d <= r2 - r1) {
            return 1;
        }
        double a1 = r1 * r1 * Math.acos(Math.clamp((d * d + r1 * r1 - r2 * r2) / (2 * d * r1), -1, 1));
        double a2 = r2 * r2 * Math.acos(Math.clamp((d * d + r2 * r2 - r1 * r1) / (2 * d * r2), -1, 1));
        double k = 0.5 * Math.sqrt(Math.max(0, (-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2)));
        return Math.clamp((a1 + a2 - k) / (Math.PI * r1 * r1), 0, 1);
    }

    /**
     * Seed §3.2 MTF of a diffraction-limited incoherent system at normalised frequency ν = f/(2NA/λ):
     * (2/π)(acos ν − ν√(1−ν²)), 0 beyond the cut-off. For a pitch of 2·CD = 2k₁λ/NA, ν = 1/(4k₁).
     */
    static double mtf(double nu) {
        if (nu >= 1) {
            return 0;
        }
        return 2 / Math.PI * (Math.acos(nu) - nu * Math.sqrt(1 - nu * nu));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureEncoder f && Arrays.equals(k1ByClass, f.k1ByClass) && Arrays.equals(mean, f.mean)
                && Arrays.equals(std, f.std);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "FeatureEncoder" + NAMES;
    }
}
