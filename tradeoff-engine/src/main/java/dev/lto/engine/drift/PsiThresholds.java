package dev.lto.engine.drift;

import dev.lto.engine.EngineApi;

import dev.lto.engine.stats.ChiSquare;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The PSI above which a window of n values is called drifted, chosen so that a window drawn from
 * the reference's population raises a false alarm at most {@code falseAlarm} (1%) of the time.
 *
 * <p>Why simulated: without drift n·PSI tends to χ² with B−1 degrees of freedom (PSI is the
 * symmetric Kullback–Leibler divergence, whose second-order term is Pearson's X²/n), and with a
 * reference of m rows PSI/(1/n + 1/m) does (ML.md). That limit is too optimistic for small windows:
 * at n = 100 and 10 bins its 99% quantile gives 2% false alarms (docs/ml.md §12 measures it), because
 * PSI weights under-filled bins more than X² does. So the threshold is the quantile of PSI's exact
 * null distribution at this n, simulated: the reference bins' true population shares are drawn from
 * Dirichlet(m·ref) (the spacings of the m reference rows the quantile edges came from: the reference
 * is a sample too), then n values multinomially from them, and PSI computed as served, with the same
 * floor. The threshold is the order statistic of {@code simulations} draws that is an upper 95%
 * confidence bound of the (1 − falseAlarm) quantile, so the simulation's own noise cannot push the
 * rate above the target. Deterministic: each (reference shares, m, n) has its own seeded stream, so a
 * threshold does not depend on what was asked before. Cached (LRU, 128 entries).
 *
 * <p>Windows above {@code maxSimulated} values (default 20,000) use the χ² limit, scaled by
 * (1/n + 1/m): at n = 5,000 it already gives 1.0% (docs/ml.md §12), and simulating larger windows
 * costs time linear in n. Windows of more than 1,000 values take the threshold of the largest size
 * ⌊2^(k/8)⌋ ≤ n (at most 9% fewer values): a smaller window's threshold is higher, so the rate stays
 * ≤ 1%, and a growing time window reuses a cached threshold instead of simulating at every new n.
 */
@EngineApi
public final class PsiThresholds {

    public static final double DEFAULT_FALSE_ALARM = 0.01;
    public static final int DEFAULT_SIMULATIONS = 20_000;
    public static final int DEFAULT_MAX_SIMULATED = 20_000;
    /** Each entry holds its simulated null sample (20,000 doubles, 160 KB): at most ≈ 20 MB. */
    private static final int CACHE = 128;
    /** One-sided 95% normal quantile, for the confidence bound on the simulated quantile. */
    private static final double Z95 = 1.6448536269514722;

    private final double falseAlarm;
    private final int simulations;
    private final int maxSimulated;
    private final long seed;
    private final Map<String, double[]> nulls = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > CACHE;
        }
    };

    public PsiThresholds() {
        this(DEFAULT_FALSE_ALARM, DEFAULT_SIMULATIONS, DEFAULT_MAX_SIMULATED, 20261203L);
    }

    public PsiThresholds(double falseAlarm, int simulations, int maxSimulated, long seed) {
        if (!(falseAlarm > 0 && falseAlarm < 0.5)) {
            throw new IllegalArgumentException("false-alarm rate must be in (0, 0.5): " + falseAlarm);
        }
        if (simulations * falseAlarm < 20) {
            throw new IllegalArgumentException(simulations + " simulations are too few for a " + falseAlarm + " tail");
        }
        this.falseAlarm = falseAlarm;
        this.simulations = simulations;
        this.maxSimulated = maxSimulated;
        this.seed = seed;
    }

    public double falseAlarm() {
        return falseAlarm;
    }

    /** The alarm threshold for a window of n values: drift when PSI > threshold. */
    public double threshold(BinnedReference ref, int n) {
        requireWindow(n);
        if (n > maxSimulated) {
            return asymptotic(ref, n, falseAlarm);
        }
        double[] s = nullSample(ref, simulatedSize(n));
        int k = s.length;
        double centre = k * (1 - falseAlarm);
        int index = (int) Math.ceil(centre + Z95 * Math.sqrt(k * falseAlarm * (1 - falseAlarm)));
        return s[Math.min(index, k - 1)];
    }

    /**
     * P(PSI ≥ psi) for a window of n values without drift: the chance that this value is a false
     * alarm (ML.md: report it next to each PSI). From the simulated null; above {@code maxSimulated}
     * from the χ² limit.
     */
    public double falseAlarmProbability(BinnedReference ref, int n, double psi) {
        requireWindow(n);
        if (n > maxSimulated) {
            int dof = Math.max(1, positiveBins(ref) - 1);
            return 1 - ChiSquare.cdf(dof, psi / (1.0 / n + 1.0 / ref.size()));
        }
        double[] s = nullSample(ref, simulatedSize(n));
        int firstAtLeast = Arrays.binarySearch(s, psi);
        if (firstAtLeast < 0) {
            firstAtLeast = -firstAtLeast - 1;
        } else {
            while (firstAtLeast > 0 && s[firstAtLeast - 1] >= psi) {
                firstAtLeast--;
            }
        }
        return (1.0 + s.length - firstAtLeast) / (s.length + 1.0);
    }

    /** PSI of the window against the reference, with its threshold and verdict. */
    public DriftCheck check(BinnedReference ref, double[] window) {
        double[] shares = ref.shares(window);
        int n = 0;
        for (double x : window) {
            n += Double.isFinite(x) ? 1 : 0;
        }
        double psi = Psi.of(ref.proportions(), shares);
        double t = threshold(ref, n);
        return new DriftCheck(ref.feature(), psi, n, t, falseAlarmProbability(ref, n, psi), psi > t);
    }

    /**
     * The χ² limit: PSI ≈ (1/n + 1/m)·χ²_{B−1} without drift (ML.md), B the bins the reference fills.
     * Exposed for the comparison in docs/ml.md §12.
     */
    public static double asymptotic(BinnedReference ref, int n, double falseAlarm) {
        int dof = Math.max(1, positiveBins(ref) - 1);
        return ChiSquare.quantile(dof, 1 - falseAlarm) * (1.0 / n + 1.0 / ref.size());
    }

    private static int positiveBins(BinnedReference ref) {
        int b = 0;
        for (double p : ref.proportions()) {
            b += p > 0 ? 1 : 0;
        }
        return b;
    }

    /** n up to 1,000; above, the largest ⌊2^(k/8)⌋ ≤ n (see the class comment). */
    static int simulatedSize(int n) {
        if (n <= 1_000) {
            return n;
        }
        // One step above the estimate, then down: rounding in log must not skip the grid point n itself.
        int k = (int) Math.floor(8 * Math.log(n) / Math.log(2)) + 1;
        int size = (int) Math.floor(Math.pow(2, k / 8.0));
        while (size > n) {
            size = (int) Math.floor(Math.pow(2, --k / 8.0));
        }
        return size;
    }

    private static void requireWindow(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("an empty window has no PSI");
        }
    }

    /** Sorted PSI of {@code simulations} no-drift windows of n values. */
    private double[] nullSample(BinnedReference ref, int n) {
        String key = Arrays.toString(ref.proportions()) + "|" + ref.size() + "|" + n;
        synchronized (nulls) {
            double[] cached = nulls.get(key);
            if (cached != null) {
                return cached;
            }
        }
        double[] s = simulate(ref.proportions(), ref.size(), n, new SplittableRandom(seed ^ (31L * key.hashCode() + n)));
        synchronized (nulls) {
            nulls.put(key, s);
        }
        return s;
    }

    private double[] simulate(double[] p, int m, int n, SplittableRandom rng) {
        int b = p.length;
        double[] truth = new double[b];
        double[] cumulative = new double[b];
        int[] counts = new int[b];
        double[] shares = new double[b];
        double[] out = new double[simulations];
        for (int s = 0; s < simulations; s++) {
            double sum = 0;
            for (int k = 0; k < b; k++) {
                truth[k] = p[k] > 0 ? gamma(m * p[k], rng) : 0;
                sum += truth[k];
            }
            double c = 0;
            for (int k = 0; k < b; k++) {
                c += truth[k] / sum;
                cumulative[k] = c;
            }
            cumulative[b - 1] = Double.POSITIVE_INFINITY;
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                double u = rng.nextDouble();
                int k = 0;
                while (u >= cumulative[k]) {
                    k++;
                }
                counts[k]++;
            }
            for (int k = 0; k < b; k++) {
                shares[k] = (double) counts[k] / n;
            }
            out[s] = Psi.of(p, shares);
        }
        Arrays.sort(out);
        return out;
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang (2000); shape below 1 by the boost Gamma(a+1)·U^(1/a). */
    static double gamma(double shape, SplittableRandom rng) {
        if (shape < 1) {
            return gamma(shape + 1, rng) * Math.pow(rng.nextDouble(), 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = rng.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
