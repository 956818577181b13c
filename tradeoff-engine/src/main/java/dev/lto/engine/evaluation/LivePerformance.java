package dev.lto.engine.evaluation;

import dev.lto.contracts.TradeoffSignals;
import dev.lto.engine.EngineApi;
import dev.lto.engine.data.Criticality;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Live model performance (issue #16, item 2): completed jobs' simulated signals against their preflight
 * predictions, with the definitions of ML.md that the offline {@link Evaluation} uses: accuracy = share of
 * (job, signal) pairs with |actual − predicted| ≤ 0.05; critical accuracy = the same over the jobs that
 * are critical by their actual signals (yield_risk ≥ 0.5, overall_health ≤ 0.4, or k₁ < 0.3); coverage =
 * share of pairs whose actual value lies in the predicted 95% interval; mean width of those intervals.
 * Computed over the last N completed jobs and per UTC day. Only the computation lives here: which jobs,
 * where they are stored and how the numbers are exported is the service's.
 */
@EngineApi
public final class LivePerformance {

    /**
     * Predictions are served and stored to 4 decimals, so a bound is known to ± half a unit in that
     * place: an actual value that close to a bound is inside (the same rule as the job evaluation's).
     */
    public static final double STORED_PRECISION = 0.5e-4 + 1e-12;

    private LivePerformance() {
    }

    /**
     * One completed job: per signal ({@link TradeoffSignals#NAMES} order) the preflight score and 95%
     * interval and the simulated value; {@code k1} of the job's pattern (NaN when unknown).
     */
    public record Observation(String jobId, String modelVersion, Instant evaluatedAt, double[] predicted, double[] low,
                              double[] high, double[] actual, double k1) {

        public boolean critical() {
            return Criticality.isCritical(actual, k1);
        }
    }

    /**
     * One signal's numbers in a window (NaN when the window is empty): accuracy, coverage and mean 95%
     * interval width over the window's jobs, the accuracy over its critical jobs (null when it has none)
     * and the mean absolute error |actual − predicted| (signal units, 0–1).
     */
    public record SignalPerformance(String signal, double accuracy, double coverage, double meanWidth,
                                    Double criticalAccuracy, double mae) {
    }

    /**
     * One window: its name ({@code last_<n>} or the UTC day), the time span of its jobs, the counts,
     * the overall numbers (pairs of all six signals) and per signal. {@code criticalAccuracy} is null
     * when the window holds no critical job.
     */
    public record Window(String window, Instant from, Instant to, int jobs, int criticalJobs, double accuracy,
                         Double criticalAccuracy, double coverage, double meanWidth, List<SignalPerformance> signals) {
    }

    /** The numbers over the given jobs. */
    public static Window of(String name, List<Observation> jobs) {
        int k = TradeoffSignals.NAMES.size();
        long[] accurate = new long[k];
        long[] inside = new long[k];
        long[] critAccurateBySignal = new long[k];
        double[] width = new double[k];
        double[] absError = new double[k];
        long critPairs = 0;
        long critAccurate = 0;
        int critJobs = 0;
        Instant from = null;
        Instant to = null;
        for (Observation o : jobs) {
            boolean critical = o.critical();
            critJobs += critical ? 1 : 0;
            for (int j = 0; j < k; j++) {
                boolean ok = Math.abs(o.actual()[j] - o.predicted()[j]) <= Criticality.ACCURACY_TOLERANCE;
                accurate[j] += ok ? 1 : 0;
                inside[j] += o.actual()[j] >= o.low()[j] - STORED_PRECISION && o.actual()[j] <= o.high()[j] + STORED_PRECISION
                        ? 1 : 0;
                width[j] += o.high()[j] - o.low()[j];
                absError[j] += Math.abs(o.actual()[j] - o.predicted()[j]);
                if (critical) {
                    critPairs++;
                    critAccurate += ok ? 1 : 0;
                    critAccurateBySignal[j] += ok ? 1 : 0;
                }
            }
            from = from == null || o.evaluatedAt().isBefore(from) ? o.evaluatedAt() : from;
            to = to == null || o.evaluatedAt().isAfter(to) ? o.evaluatedAt() : to;
        }
        int n = jobs.size();
        List<SignalPerformance> signals = new ArrayList<>(k);
        long allAccurate = 0;
        long allInside = 0;
        double allWidth = 0;
        for (int j = 0; j < k; j++) {
            signals.add(new SignalPerformance(TradeoffSignals.NAMES.get(j), ratio(accurate[j], n), ratio(inside[j], n),
                    n == 0 ? Double.NaN : width[j] / n, critJobs == 0 ? null : ratio(critAccurateBySignal[j], critJobs),
                    n == 0 ? Double.NaN : absError[j] / n));
            allAccurate += accurate[j];
            allInside += inside[j];
            allWidth += width[j];
        }
        return new Window(name, from, to, n, critJobs, ratio(allAccurate, (long) n * k),
                critPairs == 0 ? null : ratio(critAccurate, critPairs), ratio(allInside, (long) n * k),
                n == 0 ? Double.NaN : allWidth / ((double) n * k), List.copyOf(signals));
    }

    /** The {@code n} most recently evaluated of the jobs, as window {@code last_<n>}. */
    public static Window lastN(List<Observation> jobs, int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("the window needs at least one job, got " + n);
        }
        List<Observation> newest = jobs.stream().sorted(Comparator.comparing(Observation::evaluatedAt).reversed()).limit(n)
                .toList();
        return of("last_" + n, newest);
    }

    /** One window per UTC day the jobs were evaluated on, oldest day first. */
    public static List<Window> perDay(List<Observation> jobs) {
        Map<LocalDate, List<Observation>> days = new TreeMap<>();
        for (Observation o : jobs) {
            days.computeIfAbsent(LocalDate.ofInstant(o.evaluatedAt(), ZoneOffset.UTC), d -> new ArrayList<>()).add(o);
        }
        List<Window> out = new ArrayList<>();
        days.forEach((day, list) -> out.add(of(day.toString(), list)));
        return out;
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }
}
