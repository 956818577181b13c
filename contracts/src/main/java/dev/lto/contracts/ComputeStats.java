package dev.lto.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * What a simulation cost and how it was computed: wall time in seconds, imaging path
 * ({@code abbe} or {@code socs}), source points, mask grid (px) and pixel, kernels, device, FLOP and
 * peak memory estimates, and the (coarser, band-limited) grid the image was computed on. Optional
 * fields are null when not applicable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputeStats(
        @JsonProperty("compute_time_s") @NotNull @PositiveOrZero Double computeTimeS,
        @JsonProperty("imaging_path") String imagingPath,
        @JsonProperty("source_points") Integer sourcePoints,
        @JsonProperty("grid_px") Integer gridPx,
        @JsonProperty("pixel_nm") Double pixelNm,
        @JsonProperty("kernels") Integer kernels,
        @JsonProperty("device") String device,
        @JsonProperty("flop_estimate") Double flopEstimate,
        @JsonProperty("peak_memory_bytes") Long peakMemoryBytes,
        @JsonProperty("image_grid_px") Integer imageGridPx) {

    /** Without the image grid (adapters that image on the mask grid). */
    public ComputeStats(Double computeTimeS, String imagingPath, Integer sourcePoints, Integer gridPx, Double pixelNm,
                        Integer kernels, String device, Double flopEstimate, Long peakMemoryBytes) {
        this(computeTimeS, imagingPath, sourcePoints, gridPx, pixelNm, kernels, device, flopEstimate, peakMemoryBytes,
                null);
    }

    /** Wall time only, for adapters that report nothing else. */
    public static ComputeStats timeOnly(double computeTimeS) {
        return new ComputeStats(computeTimeS, null, null, null, null, null, null, null, null, null);
    }
}
