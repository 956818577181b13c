package dev.lto.intelligence.campaign;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The contract's parameter space (JobParameters ranges) and a Latin-hypercube design over it.
 * Only parameters the physics sees vary; priority, profile and submitter stay at their defaults,
 * and metadata stays empty (metadata overrides such as defocus or illumination are outside the
 * campaign and are flagged for physics at prediction time).
 *
 * <p>Coordinates: NA and σ uniform; dose, resist thickness and grid size log-uniform (their effects
 * are multiplicative: shot noise ∝ 1/√dose, blur ∝ thickness, cost ∝ 1/grid²); wavelength at one of
 * the four tool lines with probability {@code toolLineShare}, else log-uniform over the contract's
 * 10–400 nm; complexity, surrogate flag and job class uniform over their values.
 */
final class ParameterSpace {

    static final int DIMENSIONS = 9;
    static final double[] TOOL_LINES_NM = {13.5, 193, 248, 365};

    private final double toolLineShare;

    ParameterSpace(double toolLineShare) {
        this.toolLineShare = toolLineShare;
    }

    /**
     * Latin hypercube: each dimension's [0,1) is cut into n strata, each stratum used once, in a
     * random order per dimension, with a uniform position inside its stratum. Reproducible from the seed.
     */
    static double[][] latinHypercube(int n, int dims, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] u = new double[n][dims];
        int[] perm = new int[n];
        for (int d = 0; d < dims; d++) {
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            for (int i = 0; i < n; i++) {
                u[i][d] = (perm[i] + rnd.nextDouble()) / n;
            }
        }
        return u;
    }

    /** Jobs of a base design. */
    List<JobParameters> design(String campaignId, int offset, int n, long seed) {
        double[][] u = latinHypercube(n, DIMENSIONS, seed);
        List<JobParameters> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(toJob(campaignId + "_" + (offset + i), u[i], 1, 100, null));
        }
        return out;
    }

    /**
     * A critical-enriched stratum: dose in the lowest decade (1–10 mJ/cm², where shot noise drives
     * yield risk up) and job classes drawn from {@code classes} (those most often critical so far).
     */
    List<JobParameters> enrichedDesign(String campaignId, int offset, int n, long seed, int[] classes) {
        double[][] u = latinHypercube(n, DIMENSIONS, seed);
        List<JobParameters> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(toJob(campaignId + "_" + (offset + i), u[i], 1, 10, classes));
        }
        return out;
    }

    JobParameters toJob(String jobId, double[] u, double doseLo, double doseHi, int[] classes) {
        double na = 0.1 + 0.45 * u[0];
        double lambda;
        if (u[1] < toolLineShare) {
            lambda = TOOL_LINES_NM[Math.min(TOOL_LINES_NM.length - 1, (int) (u[1] / toolLineShare * TOOL_LINES_NM.length))];
        } else {
            lambda = logUniform((u[1] - toolLineShare) / (1 - toolLineShare), 10, 400);
        }
        double dose = logUniform(u[2], doseLo, doseHi);
        double sigma = 0.1 + 0.9 * u[3];
        double resist = logUniform(u[4], 5, 200);
        double grid = logUniform(u[5], 0.1, 10);
        PatternComplexity pc = PatternComplexity.values()[Math.min(3, (int) (u[6] * 4))];
        boolean surrogate = u[7] < 0.5;
        int jobClass = classes == null ? 1 + Math.min(19, (int) (u[8] * 20))
                : classes[Math.min(classes.length - 1, (int) (u[8] * classes.length))];
        return new JobParameters(jobId, round(na, 4), lambda == Math.rint(lambda * 2) / 2 ? lambda : round(lambda, 3),
                round(dose, 4), round(sigma, 4), round(resist, 3), round(grid, 4), pc, surrogate, jobClass,
                null, null, "campaign", Map.of());
    }

    private static double logUniform(double u, double lo, double hi) {
        return Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
