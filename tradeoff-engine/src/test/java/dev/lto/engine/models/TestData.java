package dev.lto.engine.models;

import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Criticality;
import dev.lto.engine.data.Split;
import dev.lto.contracts.JobParameters;
import dev.lto.contracts.PatternComplexity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small datasets from {@link FakePhysics}, and model settings small enough for a unit test. */
public final class TestData {

    public static final FakePhysics FAKE = new FakePhysics();

    /** The fake adapter's composition, as the service would build it. */
    public static SignalComposer composer() {
        return SignalComposer.of(FAKE, JobParameters.of(0.33, 30));
    }

    private TestData() {
    }

    public static List<CampaignSample> samples(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<CampaignSample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            JobParameters p = randomJob(r, "t_" + i);
            double[] s = FakePhysics.signals(p).toArray();
            double k1 = FakePhysics.k1(p);
            double u = r.nextDouble();
            Split split = u < 0.55 ? Split.TRAIN : u < 0.75 ? Split.CALIBRATION : u < 0.85 ? Split.VALIDATION : Split.TEST;
            out.add(new CampaignSample("test", i, "base", split, p, s, k1, Criticality.isCritical(s, k1), "fake", 0,
                    FakePhysics.intermediates(p), FAKE.estimateSignals(p).orElseThrow()));
        }
        return out;
    }

    /** A job drawn uniformly (log-uniform where the contract's effects are multiplicative) over the contract's ranges. */
    public static JobParameters randomJob(SplittableRandom r, String id) {
        double[] lines = {13.5, 193, 248, 365};
        return new JobParameters(id, 0.1 + 0.45 * r.nextDouble(), lines[r.nextInt(4)],
                Math.exp(r.nextDouble() * Math.log(100)), 0.1 + 0.9 * r.nextDouble(), 5 + 195 * r.nextDouble(),
                Math.exp(Math.log(0.1) + r.nextDouble() * Math.log(100)), PatternComplexity.values()[r.nextInt(4)],
                r.nextBoolean(), 1 + r.nextInt(20), null, null, "test", Map.of());
    }

    public static ModelSettings smallModels() {
        return new ModelSettings(List.of(0.35, 0.40, 0.25),
                new ModelSettings.Xgboost(120, 4, 0.1, 0.8, 0.9, 1, "reg:logistic", 1),
                new ModelSettings.Mlp(150, 15, 32, 0.003, 0.3, 40, 42),
                new ModelSettings.Gp(200, 0.01, 0, 7),
                new ModelSettings.Uncertainty(0.05, 0.999, 0.05, 0.9, 0.002, List.of("defocus_nm")),
                true, new ModelSettings.Cascade(0.99, 0.002, true, 0.10));
    }
}
