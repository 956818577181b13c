package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;

/**
 * Raw physics outputs of one simulation. The first three are the seed's schema columns; the rest
 * are the richer lithography metrics, then the optical settings the adapter actually used (echoed so
 * that defaults resolved inside the adapter are visible). Lengths in nm, dose in mJ/cm², latitude
 * in percent.
 * Optional metrics are null when the adapter does not produce them.
 * {@code depth_of_focus_lower_bound} is true when {@code depth_of_focus_nm} is only a lower bound (the
 * process window was still open at the edge of the focus range the adapter swept, so the true depth
 * of focus may be larger); absent when the value is exact or the adapter does not say.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimulationOutputs(
        @JsonProperty("resolution_nm") @NotNull Double resolutionNm,
        @JsonProperty("depth_of_focus_nm") @NotNull Double depthOfFocusNm,
        @JsonProperty("pattern_fidelity") @NotNull @DecimalMin("0.0") @DecimalMax("1.0") Double patternFidelity,
        @JsonProperty("k1") Double k1,
        @JsonProperty("target_cd_nm") Double targetCdNm,
        @JsonProperty("cd_nm") Double cdNm,
        @JsonProperty("cd_error_nm") Double cdErrorNm,
        @JsonProperty("nils") Double nils,
        @JsonProperty("image_contrast") Double imageContrast,
        @JsonProperty("dose_to_size_mj_cm2") Double doseToSizeMjCm2,
        @JsonProperty("exposure_latitude_pct") Double exposureLatitudePct,
        @JsonProperty("meef") Double meef,
        @JsonProperty("stochastic_failure_probability") Double stochasticFailureProbability,
        @JsonProperty("surrogate_rmse") Double surrogateRmse,
        @JsonProperty("defocus_nm") Double defocusNm,
        @JsonProperty("illumination") String illumination,
        @JsonProperty("resist_blur_nm") Double resistBlurNm,
        @JsonProperty("edge_log_slope") Double edgeLogSlope,
        @JsonProperty("depth_of_focus_lower_bound") Boolean depthOfFocusLowerBound) {

    /** Without {@code depth_of_focus_lower_bound} (depth of focus exact, or not known to be clipped). */
    public SimulationOutputs(Double resolutionNm, Double depthOfFocusNm, Double patternFidelity, Double k1,
                             Double targetCdNm, Double cdNm, Double cdErrorNm, Double nils, Double imageContrast,
                             Double doseToSizeMjCm2, Double exposureLatitudePct, Double meef,
                             Double stochasticFailureProbability, Double surrogateRmse, Double defocusNm,
                             String illumination, Double resistBlurNm, Double edgeLogSlope) {
        this(resolutionNm, depthOfFocusNm, patternFidelity, k1, targetCdNm, cdNm, cdErrorNm, nils, imageContrast,
                doseToSizeMjCm2, exposureLatitudePct, meef, stochasticFailureProbability, surrogateRmse, defocusNm,
                illumination, resistBlurNm, edgeLogSlope, null);
    }

    /**
     * Without {@code edge_log_slope} (I_edge·NILS: resist-image intensity at the target edge times the
     * aerial NILS, dimensionless; what the physics adapter composes surrogate_reliability from).
     */
    public SimulationOutputs(Double resolutionNm, Double depthOfFocusNm, Double patternFidelity, Double k1,
                             Double targetCdNm, Double cdNm, Double cdErrorNm, Double nils, Double imageContrast,
                             Double doseToSizeMjCm2, Double exposureLatitudePct, Double meef,
                             Double stochasticFailureProbability, Double surrogateRmse, Double defocusNm,
                             String illumination, Double resistBlurNm) {
        this(resolutionNm, depthOfFocusNm, patternFidelity, k1, targetCdNm, cdNm, cdErrorNm, nils, imageContrast,
                doseToSizeMjCm2, exposureLatitudePct, meef, stochasticFailureProbability, surrogateRmse, defocusNm,
                illumination, resistBlurNm, null, null);
    }

    /** Without the echoed optical settings (defocus, illumination, resist blur). */
    public SimulationOutputs(Double resolutionNm, Double depthOfFocusNm, Double patternFidelity, Double k1,
                             Double targetCdNm, Double cdNm, Double cdErrorNm, Double nils, Double imageContrast,
                             Double doseToSizeMjCm2, Double exposureLatitudePct, Double meef,
                             Double stochasticFailureProbability, Double surrogateRmse) {
        this(resolutionNm, depthOfFocusNm, patternFidelity, k1, targetCdNm, cdNm, cdErrorNm, nils, imageContrast,
                doseToSizeMjCm2, exposureLatitudePct, meef, stochasticFailureProbability, surrogateRmse,
                null, null, null, null, null);
    }

    /** Only the seed's three required outputs. */
    public static SimulationOutputs basic(double resolutionNm, double depthOfFocusNm, double patternFidelity) {
        return new SimulationOutputs(resolutionNm, depthOfFocusNm, patternFidelity,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
