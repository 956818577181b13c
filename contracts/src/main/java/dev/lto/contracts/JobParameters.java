package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One simulation job's parameters (seed §3.1 {@code JobParameters}), with the seed's ranges and
 * defaults. Omitted optional fields take their defaults; {@code na} and {@code dose_mj_cm2} are
 * required. Lengths in nm, dose in mJ/cm².
 */
public record JobParameters(
        @JsonProperty("job_id")
        @Pattern(regexp = "[A-Za-z0-9_.-]{1,64}", message = "must be 1-64 characters of letters, digits, '_', '.' or '-'")
        String jobId,

        @NotNull @DecimalMin("0.1") @DecimalMax("0.55")
        Double na,

        // The seed gives no range; this one spans EUV (13.5), ArF (193), KrF (248) and i-line (365).
        @JsonProperty("wavelength_nm") @NotNull @DecimalMin("10.0") @DecimalMax("400.0")
        Double wavelengthNm,

        @JsonProperty("dose_mj_cm2") @NotNull @DecimalMin("1.0") @DecimalMax("100.0")
        Double doseMjCm2,

        @NotNull @DecimalMin("0.1") @DecimalMax("1.0")
        Double sigma,

        @JsonProperty("resist_thickness_nm") @NotNull @DecimalMin("5.0") @DecimalMax("200.0")
        Double resistThicknessNm,

        @JsonProperty("grid_size_nm") @NotNull @DecimalMin("0.1") @DecimalMax("10.0")
        Double gridSizeNm,

        @JsonProperty("pattern_complexity") @NotNull
        PatternComplexity patternComplexity,

        @JsonProperty("use_ai_surrogate") @NotNull
        Boolean useAiSurrogate,

        @JsonProperty("job_class") @NotNull @Min(1) @Max(20)
        Integer jobClass,

        @NotNull
        JobPriority priority,

        @JsonProperty("constraint_profile") @NotNull
        @Pattern(regexp = "[a-z0-9_-]{1,64}", message = "must be 1-64 characters of lower-case letters, digits, '_' or '-'")
        String constraintProfile,

        @JsonProperty("submitted_by") @NotNull @Size(min = 1, max = 128)
        String submittedBy,

        @NotNull @Size(max = 64)
        Map<String, Object> metadata) {

    public static final double DEFAULT_WAVELENGTH_NM = 13.5;
    public static final double DEFAULT_SIGMA = 0.8;
    public static final double DEFAULT_RESIST_THICKNESS_NM = 30.0;
    public static final double DEFAULT_GRID_SIZE_NM = 1.0;
    public static final int DEFAULT_JOB_CLASS = 1;
    public static final String DEFAULT_CONSTRAINT_PROFILE = "default";
    public static final String DEFAULT_SUBMITTED_BY = "system";

    /** Fills every omitted optional field with the seed's default and assigns a job id if none was given. */
    public JobParameters {
        jobId = jobId == null ? newJobId() : jobId;
        wavelengthNm = wavelengthNm == null ? DEFAULT_WAVELENGTH_NM : wavelengthNm;
        sigma = sigma == null ? DEFAULT_SIGMA : sigma;
        resistThicknessNm = resistThicknessNm == null ? DEFAULT_RESIST_THICKNESS_NM : resistThicknessNm;
        gridSizeNm = gridSizeNm == null ? DEFAULT_GRID_SIZE_NM : gridSizeNm;
        patternComplexity = patternComplexity == null ? PatternComplexity.MODERATE : patternComplexity;
        useAiSurrogate = useAiSurrogate == null ? Boolean.TRUE : useAiSurrogate;
        jobClass = jobClass == null ? DEFAULT_JOB_CLASS : jobClass;
        priority = priority == null ? JobPriority.NORMAL : priority;
        constraintProfile = constraintProfile == null ? DEFAULT_CONSTRAINT_PROFILE : constraintProfile;
        submittedBy = submittedBy == null ? DEFAULT_SUBMITTED_BY : submittedBy;
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The required fields only; everything else takes its default. */
    public static JobParameters of(double na, double doseMjCm2) {
        return new JobParameters(null, na, null, doseMjCm2, null, null, null, null, null, null, null, null, null, null);
    }

    /** A new id of the seed's form: {@code job_} and 8 hex digits. */
    public static String newJobId() {
        return "job_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    public JobParameters withJobId(String id) {
        return new JobParameters(id, na, wavelengthNm, doseMjCm2, sigma, resistThicknessNm, gridSizeNm,
                patternComplexity, useAiSurrogate, jobClass, priority, constraintProfile, submittedBy, metadata);
    }

    public JobParameters withSubmittedBy(String who) {
        return new JobParameters(jobId, na, wavelengthNm, doseMjCm2, sigma, resistThicknessNm, gridSizeNm,
                patternComplexity, useAiSurrogate, jobClass, priority, constraintProfile, who, metadata);
    }
}
