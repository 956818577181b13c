package dev.lto.engine.models;

import dev.lto.engine.EngineApi;
import dev.lto.contracts.JobParameters;
import dev.lto.simulator.spi.LiteEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The prediction cascade (docs/ml.md §11): the learned first stage answers a job when its calibrated
 * uncertainty is below the routing threshold, the job is in distribution and carries no metadata the
 * first stage never saw; otherwise the adapter's physics-lite estimate answers with its own calibrated
 * intervals; physics is recommended only where even physics-lite may be wrong. Without physics-lite
 * (an adapter that has none, or it is switched off) the first stage answers everything, with honest
 * intervals and the physics flag. Immutable: live serving and the model card's evaluation of stored
 * campaign jobs run exactly this routing.
 *
 * @param firstStage null before a first stage is trained
 * @param lite       null when no physics-lite calibration exists
 * @param composer   the adapter's signal composition (physics-lite's risk recomposes with it); may be null
 */
@EngineApi
public record Cascade(TradeoffModel firstStage, LiteCalibration lite, SignalComposer composer) {

    /** With the first stage's composer (none without a first stage). */
    public Cascade(TradeoffModel firstStage, LiteCalibration lite) {
        this(firstStage, lite, firstStage == null ? null : firstStage.composer);
    }

    public boolean canAnswer() {
        return firstStage != null || lite != null;
    }

    /**
     * Answers for a batch. {@code liteOf} runs (or looks up) the physics-lite estimate of the jobs
     * routed to it, in the given order; it is called once, with only those jobs.
     */
    public List<Estimate> predict(List<JobParameters> jobs, Function<List<JobParameters>, List<Optional<LiteEstimate>>> liteOf) {
        List<Estimate> fs = null;
        List<Estimate> inCascade = null;
        if (firstStage != null) {
            TradeoffModel.Components c = firstStage.components(jobs);
            fs = firstStage.estimates(jobs, c);
            Calibration cal = firstStage.calibration;
            // Inside the cascade the first stage's intervals are calibrated on the jobs it answers there.
            inCascade = lite == null || cal.cascadeQ() == null ? fs
                    : firstStage.estimates(jobs, c, cal.cascadeQ(), cal.cascadeJobFactor());
        }
        List<Estimate> out = new ArrayList<>(jobs.size());
        List<Integer> toLite = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Estimate e = fs == null ? null : fs.get(i);
            if (e != null && (lite == null || firstStageAnswers(e))) {
                out.add(lite == null ? withReasons(e, firstStageReasons(e, jobs.get(i))) : confident(inCascade.get(i)));
            } else {
                out.add(null);
                toLite.add(i);
            }
        }
        if (!toLite.isEmpty()) {
            List<Optional<LiteEstimate>> les = liteOf.apply(toLite.stream().map(jobs::get).toList());
            for (int n = 0; n < toLite.size(); n++) {
                int i = toLite.get(n);
                Estimate e = fs == null ? null : fs.get(i);
                Optional<LiteEstimate> le = les.get(n);
                if (le.isPresent()) {
                    out.set(i, fromLite(le.get(), jobs.get(i), e));
                } else if (e != null) {
                    // The adapter has no estimator for this job: the first stage with its own flags and reasons.
                    out.set(i, withReasons(e, firstStageReasons(e, jobs.get(i))));
                } else {
                    throw new ModelUnavailableException("no first-stage model is trained yet and the adapter has no"
                            + " physics-lite estimator for this job");
                }
            }
        }
        return out;
    }

    /** A routed first-stage answer: the router found it safe, so it recommends nothing. */
    private static Estimate confident(Estimate e) {
        return new Estimate(e.score(), e.low(), e.high(), e.uncertainty(), e.mahalanobis2(), e.outOfDistribution(),
                e.unmodelledMetadata(), false, false, e.stage(), List.of(), e.jobFactor(), e.mayBeCritical());
    }

    /**
     * The first stage may answer: in distribution, no unseen metadata, its interval rules out a critical
     * job (those go to physics-lite), and its uncertainty is under the routing threshold.
     */
    public boolean firstStageAnswers(Estimate e) {
        return !e.outOfDistribution() && !e.unmodelledMetadata() && !e.mayBeCritical() && e.uncertainty() < 1
                && e.uncertainty() < firstStage.calibration.routeThreshold();
    }

    /** A physics-lite answer with calibrated intervals; physics recommended where even it may be wrong. */
    public Estimate fromLite(LiteEstimate le, JobParameters job, Estimate firstStageEstimate) {
        double[] y = le.signals().toArray();
        double[] risk = lite.risk(le, job, composer);
        double[] half = lite.halfWidths(risk, y);
        double[] lo = new double[y.length];
        double[] hi = new double[y.length];
        double u = 0;
        for (int j = 0; j < y.length; j++) {
            lo[j] = Math.max(0, y[j] - half[j]);
            hi[j] = Math.min(1, y[j] + half[j]);
            u = Math.max(u, half[j]);
        }
        List<String> reasons = new ArrayList<>();
        int flagged = lite.flaggedSignal(risk);
        boolean high = flagged >= 0;
        if (high) {
            reasons.add(String.format(Locale.ROOT, "physics-lite may be wrong on %s here: its risk %.3f (own error estimate"
                            + " plus sensitivity to its intermediates' resolution) reaches %.3f, the level at which it missed"
                            + " critical calibration jobs", dev.lto.contracts.TradeoffSignals.NAMES.get(flagged), risk[flagged],
                    lite.flagThresholds()[flagged]));
        }
        if (!job.metadata().isEmpty()) {
            reasons.add("metadata " + job.metadata().keySet() + " changes the physics; physics-lite models it, but its"
                    + " intervals were calibrated on jobs without metadata");
        }
        double d2 = firstStageEstimate == null ? Double.NaN : firstStageEstimate.mahalanobis2();
        boolean ood = firstStageEstimate != null && firstStageEstimate.outOfDistribution();
        return new Estimate(y, lo, hi, u, d2, ood, firstStageEstimate != null && firstStageEstimate.unmodelledMetadata(),
                high, !reasons.isEmpty(), Stage.PHYSICS_LITE, List.copyOf(reasons), lite.jobFactor(), false);
    }

    private static Estimate withReasons(Estimate e, List<String> reasons) {
        return new Estimate(e.score(), e.low(), e.high(), e.uncertainty(), e.mahalanobis2(), e.outOfDistribution(),
                e.unmodelledMetadata(), e.highUncertainty(), e.recommendPhysics(), e.stage(), List.copyOf(reasons),
                e.jobFactor(), e.mayBeCritical());
    }

    private List<String> firstStageReasons(Estimate e, JobParameters job) {
        List<String> r = new ArrayList<>();
        if (e.outOfDistribution()) {
            r.add(String.format(Locale.ROOT, "parameters far from the training data (Mahalanobis D² %.1f > %.1f)",
                    e.mahalanobis2(), firstStage.ood.cutoff()));
        }
        if (e.unmodelledMetadata()) {
            r.add("metadata " + job.metadata().keySet() + " is not modelled by the first stage and no physics-lite estimator is available");
        }
        if (e.highUncertainty()) {
            r.add(String.format(Locale.ROOT, "first-stage calibrated half-width %.3f ≥ %.3f", e.uncertainty(),
                    firstStage.calibration.flagThreshold()));
        }
        return r;
    }
}
