package dev.lto.engine.drift;

import dev.lto.engine.EngineApi;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The drift reference of one model version: every monitored feature's bins, fixed from the training
 * data when the model is built and stored with it (serialisable as JSON, e.g. {@code drift.json}
 * beside the other artifacts).
 *
 * @param bins     the number of quantile bins asked for (ML.md: 10); a feature may have fewer
 * @param features one reference per input parameter and per predicted signal
 */
@EngineApi
public record DriftReference(@JsonProperty("bins") int bins, @JsonProperty("features") List<BinnedReference> features) {

    public static final int DEFAULT_BINS = 10;

    public DriftReference {
        features = List.copyOf(features);
    }

    /** Fits each column (feature name → its reference values) with {@link BinnedReference#fit}. */
    public static DriftReference fit(Map<String, double[]> columns, int bins) {
        return new DriftReference(bins, columns.entrySet().stream()
                .map(e -> BinnedReference.fit(e.getKey(), e.getValue(), bins)).toList());
    }

    public Optional<BinnedReference> feature(String name) {
        return features.stream().filter(f -> f.feature().equals(name)).findFirst();
    }

    /** Checks every feature of the reference that the window has values for, in the reference's order. */
    public List<DriftCheck> check(Map<String, double[]> window, PsiThresholds thresholds) {
        Map<String, DriftCheck> out = new LinkedHashMap<>();
        for (BinnedReference f : features) {
            double[] values = window.get(f.feature());
            if (values != null && java.util.Arrays.stream(values).anyMatch(Double::isFinite)) {
                out.put(f.feature(), thresholds.check(f, values));
            }
        }
        return List.copyOf(out.values());
    }
}
