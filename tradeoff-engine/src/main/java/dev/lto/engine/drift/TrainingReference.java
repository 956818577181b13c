package dev.lto.engine.drift;

import dev.lto.contracts.JobParameters;
import dev.lto.contracts.TradeoffSignals;
import dev.lto.engine.EngineApi;
import dev.lto.engine.data.CampaignSample;
import dev.lto.engine.data.Split;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a model's drift reference is binned from (docs/ml.md §12), in one place for the artifact
 * written at training time and the fallback built at runtime for older artifacts: every campaign
 * job's nine input parameters, and the model's six predicted signals on the campaign's held-out
 * (non-TRAIN) jobs, since answers on training jobs are optimistic.
 */
@EngineApi
public final class TrainingReference {

    /** The monitored input parameters, as numbers: complexity by its ordinal, the surrogate flag as 0/1. */
    public static final List<String> INPUTS = List.of("na", "wavelength_nm", "dose_mj_cm2", "sigma", "resist_thickness_nm",
            "grid_size_nm", "pattern_complexity", "use_ai_surrogate", "job_class");

    private TrainingReference() {
    }

    /** The campaign jobs whose predictions make the predicted-signal reference. */
    public static List<CampaignSample> heldOut(List<CampaignSample> samples) {
        return samples.stream().filter(s -> s.split() != Split.TRAIN).toList();
    }

    /**
     * The reference of a model trained on {@code samples}, whose answers on {@link #heldOut} of them
     * are {@code predictions} (six scores each, {@link TradeoffSignals#NAMES} order; may be empty,
     * then the reference has inputs only).
     */
    public static DriftReference fit(List<CampaignSample> samples, List<double[]> predictions, int bins) {
        Map<String, double[]> columns = inputColumns(samples.stream().map(CampaignSample::parameters).toList());
        columns.putAll(signalColumns(predictions));
        columns.values().removeIf(v -> v.length == 0);
        return DriftReference.fit(columns, bins);
    }

    /** The nine input parameters of the jobs, one column each ({@link #INPUTS} order). */
    public static Map<String, double[]> inputColumns(List<JobParameters> jobs) {
        int n = jobs.size();
        double[][] c = new double[INPUTS.size()][n];
        for (int i = 0; i < n; i++) {
            JobParameters p = jobs.get(i);
            c[0][i] = p.na();
            c[1][i] = p.wavelengthNm();
            c[2][i] = p.doseMjCm2();
            c[3][i] = p.sigma();
            c[4][i] = p.resistThicknessNm();
            c[5][i] = p.gridSizeNm();
            c[6][i] = p.patternComplexity().ordinal();
            c[7][i] = p.useAiSurrogate() ? 1 : 0;
            c[8][i] = p.jobClass();
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int k = 0; k < INPUTS.size(); k++) {
            out.put(INPUTS.get(k), c[k]);
        }
        return out;
    }

    /** The six predicted signals, one column each. */
    public static Map<String, double[]> signalColumns(List<double[]> scores) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int j = 0; j < TradeoffSignals.NAMES.size(); j++) {
            int jj = j;
            out.put(TradeoffSignals.NAMES.get(j), scores.stream().mapToDouble(s -> s[jj]).toArray());
        }
        return out;
    }
}
