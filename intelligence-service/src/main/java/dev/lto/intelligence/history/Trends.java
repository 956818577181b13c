package dev.lto.intelligence.history;

import dev.lto.contracts.JobState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Time-bucketed signal statistics and a direction per signal.
 *
 * <p>Direction rule, per signal, on the series of non-empty bucket means in time order:
 * <ol>
 *   <li>fewer than {@code min-buckets} (5) such buckets: {@code stable}, reason "too few buckets"
 *       (with 4 points even a perfect trend has a two-sided Mann–Kendall p of 0.083);</li>
 *   <li>Mann–Kendall test of "no monotonic trend", two-sided; Theil–Sen slope per bucket, and the
 *       change it implies over the tested span (slope × (last − first bucket index));</li>
 *   <li>a trend when p &lt; {@code alpha} (0.05) <em>and</em> |change| ≥ {@code min-change} (0.02 on the
 *       [0, 1] signal scale): significant but too small to matter is {@code stable};</li>
 *   <li>the trend's sign read through the signal's polarity: for {@code yield_risk} lower is better,
 *       for the other five higher is better.</li>
 * </ol>
 */
@Service
class Trends {

    /** Jobs whose simulation finished and was evaluated: the ones whose signals are outcomes. */
    static final List<JobState> DEFAULT_STATES = List.of(JobState.COMPLETED, JobState.ANOMALY_FLAGGED,
            JobState.ENGINEER_REVIEW, JobState.CLEARED, JobState.ESCALATED);
    private static final Set<String> LOWER_IS_BETTER = Set.of("yield_risk");

    private final HistoryRepository repository;
    private final double alpha;
    private final double minChange;
    private final int minBuckets;

    Trends(HistoryRepository repository,
           @Value("${lto.history.trends.alpha:0.05}") double alpha,
           @Value("${lto.history.trends.min-change:0.02}") double minChange,
           @Value("${lto.history.trends.min-buckets:5}") int minBuckets) {
        this.repository = repository;
        this.alpha = alpha;
        this.minChange = minChange;
        this.minBuckets = Math.max(2, minBuckets);
    }

    /** @param filter its {@code from}/{@code to} must be aligned to {@code bucket} (whole buckets) */
    HistoryViews.TrendReport report(JobFilter filter, Duration bucket, String bucketText, List<String> signals) {
        JobFilter effective = filter.states().isEmpty() ? filter.withStates(DEFAULT_STATES) : filter;
        int bucketCount = (int) (Duration.between(filter.from(), filter.to()).toNanos() / bucket.toNanos());
        var stats = repository.buckets(effective, bucket, signals);
        Map<String, HistoryViews.SignalTrend> out = new LinkedHashMap<>();
        for (String signal : signals) {
            List<HistoryViews.Bucket> buckets = new ArrayList<>(bucketCount);
            List<double[]> points = new ArrayList<>();
            for (long b = 0; b < bucketCount; b++) {
                Instant start = filter.from().plus(bucket.multipliedBy(b));
                var s = stats.getOrDefault(b, Map.of()).getOrDefault(signal, HistoryRepository.SignalStats.EMPTY);
                buckets.add(new HistoryViews.Bucket(start, s.count(), s.mean(), s.p10(), s.p90()));
                if (s.count() > 0) {
                    points.add(new double[] {b, s.mean()});
                }
            }
            out.put(signal, verdict(signal, points, buckets));
        }
        return new HistoryViews.TrendReport(filter.from(), filter.to(), bucketText, bucketCount, effective.states(),
                filter.jobClass(), filter.adapterType(), new HistoryViews.Rule(alpha, minChange, minBuckets), out);
    }

    HistoryViews.SignalTrend verdict(String signal, List<double[]> points, List<HistoryViews.Bucket> buckets) {
        boolean lowerIsBetter = LOWER_IS_BETTER.contains(signal);
        String polarity = lowerIsBetter ? "lower_is_better" : "higher_is_better";
        if (points.size() < minBuckets) {
            return new HistoryViews.SignalTrend(polarity, "stable", "too few buckets with jobs to test for a trend: "
                    + points.size() + " of the " + minBuckets + " needed",
                    new HistoryViews.TrendTest("mann_kendall+theil_sen", points.size(), null, null, null, null), buckets);
        }
        double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
        TrendStatistics.Result r = TrendStatistics.test(x, y);
        double change = r.slope() * (x[x.length - 1] - x[0]);
        var test = new HistoryViews.TrendTest("mann_kendall+theil_sen", r.n(), r.s(), round(r.pValue()), round(r.slope()), round(change));
        String direction;
        String reason;
        if (r.pValue() >= alpha) {
            direction = "stable";
            reason = String.format(Locale.ROOT, "no significant monotonic trend (Mann-Kendall p = %.3g, not below %s)", r.pValue(), alpha);
        } else if (Math.abs(change) < minChange) {
            direction = "stable";
            reason = String.format(Locale.ROOT, "significant (p = %.3g) but the change over the window, %.4f, is below the %s threshold",
                    r.pValue(), change, minChange);
        } else {
            boolean better = lowerIsBetter ? change < 0 : change > 0;
            direction = better ? "improving" : "degrading";
            reason = String.format(Locale.ROOT, "%s by %.4f over the window (Theil-Sen), Mann-Kendall p = %.3g; %s",
                    change > 0 ? "rising" : "falling", Math.abs(change), r.pValue(), polarity.replace('_', ' '));
        }
        return new HistoryViews.SignalTrend(polarity, direction, reason, test, buckets);
    }

    private static double round(double v) {
        return v == 0 ? 0 : Double.parseDouble(String.format(Locale.ROOT, "%.6g", v));
    }

    /** Whole buckets since the epoch (UTC): daily buckets start at midnight UTC. */
    static Instant alignDown(Instant t, Duration bucket) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, t);
        long width = bucket.toNanos() / 1000;
        return Instant.EPOCH.plus(Math.floorDiv(micros, width) * width, ChronoUnit.MICROS);
    }

    static Instant alignUp(Instant t, Duration bucket) {
        Instant down = alignDown(t, bucket);
        return down.equals(t) ? t : down.plus(bucket);
    }
}
