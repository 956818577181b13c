package dev.lto.intelligence.preflight;

import dev.lto.engine.models.Stage;
import dev.lto.engine.serving.TradeoffEstimate;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffPrediction;
import dev.lto.intelligence.models.ModelService;
import dev.lto.intelligence.tradeoffs.TradeoffAnswers;
import dev.lto.simulator.spi.SimulatorInterface;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Finds parameter sets near a blocked job that the engine predicts to satisfy the job's whole
 * profile. The engineer keeps what defines the experiment (wavelength, pattern class and
 * complexity, profile, priority); the search moves the knobs they can turn: NA, dose, σ, resist
 * thickness, grid and the surrogate switch. Two batched passes: a spread of candidates (each knob
 * alone across its range, local perturbations, global samples), then points on the way back from
 * the best of them to the job, so the alternatives offered are as close as the model allows.
 * Offered: those predicted to meet every limit of the profile; only if none does, those that at
 * least clear its blocking limits (marked, with the limits they still break).
 *
 * <p>The passes screen candidates with the first stage alone (sub-millisecond per candidate, no
 * routing). The closest screened candidates are then verified by physics-lite where the adapter has
 * it: an alternative is offered as meeting the profile only when physics-lite's answer does, and
 * carries physics-lite's predictions ({@code verified_by}). Before a first stage exists the search
 * screens a small spread with physics-lite itself. Deterministic per job id.
 */
final class AlternativeSearch {

    /** A knob: contract range, and whether distance is measured on a log scale. */
    private record Knob(String name, double min, double max, boolean log) {
        double toUnit(double v) {
            return log ? Math.log(v / min) / Math.log(max / min) : (v - min) / (max - min);
        }

        double fromUnit(double u) {
            double c = Math.max(0, Math.min(1, u));
            double v = log ? min * Math.pow(max / min, c) : min + c * (max - min);
            return Math.round(v * 1000) / 1000.0; // a value an engineer can type
        }
    }

    private static final List<Knob> KNOBS = List.of(
            new Knob("na", 0.1, 0.55, false),
            new Knob("dose_mj_cm2", 1, 100, true),
            new Knob("sigma", 0.1, 1.0, false),
            new Knob("resist_thickness_nm", 5, 200, true),
            new Knob("grid_size_nm", 0.1, 10, true));
    /** Distance charged for flipping the surrogate switch (a quarter of a full range). */
    private static final double SURROGATE_FLIP = 0.25;

    private final ModelService models;
    private final TradeoffAnswers answers;
    private final PreflightProperties props;

    AlternativeSearch(ModelService models, TradeoffAnswers answers, PreflightProperties props) {
        this.models = models;
        this.answers = answers;
        this.props = props;
    }

    /** Candidates verified by physics-lite per blocked job (closest screened first). */
    static final int VERIFIED = 8;
    /** Per-knob spread when physics-lite must screen (no first stage yet): 5 knobs × 3 + 1 candidates. */
    static final int LITE_SCREEN_PER_KNOB = 3;

    List<Alternative> find(JobParameters job, SimulatorInterface adapter) {
        double[] origin = unit(job);
        SplittableRandom rnd = new SplittableRandom(job.jobId().hashCode());
        List<Candidate> first = new ArrayList<>();
        boolean cheapScreen = models.screen(List.of(job)).isPresent();
        int perKnob = cheapScreen ? 8 : LITE_SCREEN_PER_KNOB;
        for (int k = 0; k < KNOBS.size(); k++) {
            for (int i = 0; i < perKnob; i++) {
                double[] u = origin.clone();
                u[k] = (i + 0.5) / perKnob;
                first.add(new Candidate(u, job.useAiSurrogate()));
            }
        }
        first.add(new Candidate(origin.clone(), !job.useAiSurrogate()));
        int rest = cheapScreen ? Math.max(0, props.candidates() - first.size()) : 0;
        for (int i = 0; i < rest; i++) {
            double[] u = new double[origin.length];
            boolean local = i < rest / 2;
            for (int k = 0; k < u.length; k++) {
                u[k] = local ? clamp(origin[k] + 0.12 * rnd.nextGaussian()) : rnd.nextDouble();
            }
            first.add(new Candidate(u, rnd.nextInt(4) == 0 ? !job.useAiSurrogate() : job.useAiSurrogate()));
        }
        List<Scored> good = satisfying(job, adapter, first, origin);
        // Second pass: walk back from the closest good candidates towards the job.
        List<Candidate> second = new ArrayList<>();
        good.stream().limit(cheapScreen ? 10 : 2).forEach(g -> {
            for (double t : new double[] {0.2, 0.4, 0.6, 0.8}) {
                double[] u = new double[origin.length];
                for (int k = 0; k < u.length; k++) {
                    u[k] = origin[k] + t * (g.candidate.unit[k] - origin[k]);
                }
                second.add(new Candidate(u, g.candidate.surrogate));
            }
        });
        List<Scored> all = new ArrayList<>(good);
        all.addAll(satisfying(job, adapter, second, origin));
        all = new ArrayList<>(verified(all)); // mutable: pruned below (verified may answer an immutable list)
        // Candidates meeting the whole profile first; only when there are none, those that clear its blocking limits.
        boolean anyMeets = all.stream().anyMatch(Scored::meetsProfile);
        all.removeIf(sc -> anyMeets && !sc.meetsProfile());
        all.sort(Comparator.comparingDouble(Scored::distance));
        List<Alternative> chosen = new ArrayList<>();
        List<Scored> kept = new ArrayList<>();
        for (Scored s : all) {
            if (chosen.size() == props.alternatives()) {
                break;
            }
            if (kept.stream().anyMatch(k -> distance(k.candidate, s.candidate) < props.minSeparation())) {
                continue;
            }
            kept.add(s);
            chosen.add(new Alternative(chosen.size() + 1, changes(job, s.parameters), round(s.distance), s.parameters,
                    s.prediction.predictions(), s.prediction.uncertainty().recommendPhysicsSimulation(), s.meetsProfile(),
                    s.meetsProfile() ? List.of() : s.prediction.constraints().violations(), s.prediction.answeredBy(),
                    s.verified ? Stage.PHYSICS_LITE.wire() : null));
        }
        return chosen;
    }

    /**
     * The {@link #VERIFIED} closest screened candidates (those meeting the whole profile first) re-predicted
     * by physics-lite, replacing their screened answers; candidates physics-lite finds breaking a blocking
     * limit are dropped. Unchanged when physics-lite is unavailable or already screened them.
     */
    private List<Scored> verified(List<Scored> screened) {
        List<Scored> order = new ArrayList<>(screened);
        order.sort(Comparator.comparing((Scored sc) -> !sc.meetsProfile()).thenComparingDouble(Scored::distance));
        List<Scored> top = order.stream().filter(sc -> !Stage.PHYSICS_LITE.wire().equals(sc.prediction.answeredBy()))
                .limit(VERIFIED).toList();
        if (top.isEmpty()) {
            return screened.stream().map(sc -> Stage.PHYSICS_LITE.wire().equals(sc.prediction.answeredBy())
                    ? new Scored(sc.candidate, sc.parameters, sc.prediction, sc.distance, true) : sc).toList();
        }
        Optional<List<TradeoffEstimate>> lite = models.predictWithLite(top.stream().map(Scored::parameters).toList());
        if (lite.isEmpty()) {
            return screened;
        }
        List<Scored> out = new ArrayList<>();
        for (int i = 0; i < top.size(); i++) {
            Scored sc = top.get(i);
            TradeoffPrediction pred = answers.candidate(sc.parameters, lite.get().get(i), 0);
            if (pred.constraints().violations().stream().noneMatch(v -> props.blockingSeverities().contains(v.severity()))) {
                out.add(new Scored(sc.candidate, sc.parameters, pred, sc.distance, true));
            }
        }
        return out;
    }

    private record Candidate(double[] unit, boolean surrogate) {
    }

    private record Scored(Candidate candidate, JobParameters parameters, TradeoffPrediction prediction, double distance,
                          boolean verified) {
        boolean meetsProfile() {
            return prediction.constraints().allSatisfied();
        }
    }

    /** Predicts the physically sound candidates in one batch and keeps those whose predicted scores break no blocking limit. */
    private List<Scored> satisfying(JobParameters job, SimulatorInterface adapter, List<Candidate> candidates, double[] origin) {
        List<JobParameters> params = new ArrayList<>();
        List<Candidate> sound = new ArrayList<>();
        for (Candidate c : candidates) {
            JobParameters p = parameters(job, c);
            if (adapter.physicalProblems(p).isEmpty()) {
                params.add(p);
                sound.add(c);
            }
        }
        if (params.isEmpty()) {
            return List.of();
        }
        List<TradeoffEstimate> est = models.screen(params).orElseGet(() -> models.predict(params, false));
        List<Scored> out = new ArrayList<>();
        Candidate self = new Candidate(origin, job.useAiSurrogate());
        for (int i = 0; i < params.size(); i++) {
            TradeoffPrediction pred = answers.candidate(params.get(i), est.get(i), 0);
            if (pred.constraints().violations().stream().noneMatch(v -> props.blockingSeverities().contains(v.severity()))) {
                out.add(new Scored(sound.get(i), params.get(i), pred, distance(self, sound.get(i)), false));
            }
        }
        out.sort(Comparator.comparingDouble(Scored::distance));
        return out;
    }

    private static double[] unit(JobParameters p) {
        double[] v = {p.na(), p.doseMjCm2(), p.sigma(), p.resistThicknessNm(), p.gridSizeNm()};
        double[] u = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            u[k] = KNOBS.get(k).toUnit(v[k]);
        }
        return u;
    }

    private static JobParameters parameters(JobParameters job, Candidate c) {
        double[] original = {job.na(), job.doseMjCm2(), job.sigma(), job.resistThicknessNm(), job.gridSizeNm()};
        double[] v = new double[c.unit.length];
        for (int k = 0; k < v.length; k++) {
            Knob knob = KNOBS.get(k);
            // A knob the candidate did not move keeps the job's exact value (no rounding noise in "changes").
            v[k] = Math.abs(c.unit[k] - knob.toUnit(original[k])) < 1e-12 ? original[k] : knob.fromUnit(c.unit[k]);
        }
        return new JobParameters(job.jobId(), v[0], job.wavelengthNm(), v[1], v[2], v[3], v[4], job.patternComplexity(),
                c.surrogate, job.jobClass(), job.priority(), job.constraintProfile(), job.submittedBy(), job.metadata());
    }

    private static Map<String, Object> changes(JobParameters job, JobParameters alt) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "na", job.na(), alt.na());
        put(m, "dose_mj_cm2", job.doseMjCm2(), alt.doseMjCm2());
        put(m, "sigma", job.sigma(), alt.sigma());
        put(m, "resist_thickness_nm", job.resistThicknessNm(), alt.resistThicknessNm());
        put(m, "grid_size_nm", job.gridSizeNm(), alt.gridSizeNm());
        if (!job.useAiSurrogate().equals(alt.useAiSurrogate())) {
            m.put("use_ai_surrogate", alt.useAiSurrogate());
        }
        return m;
    }

    private static void put(Map<String, Object> m, String name, double before, double after) {
        if (Math.abs(before - after) > 1e-9) {
            m.put(name, after);
        }
    }

    private static double distance(Candidate a, Candidate b) {
        double s = 0;
        for (int k = 0; k < a.unit.length; k++) {
            double d = a.unit[k] - b.unit[k];
            s += d * d;
        }
        if (a.surrogate != b.surrogate) {
            s += SURROGATE_FLIP * SURROGATE_FLIP;
        }
        return Math.sqrt(s);
    }

    private static double clamp(double u) {
        return Math.max(0, Math.min(1, u));
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
