package dev.lto.simulator.physics.mask;

import java.util.List;

/**
 * One mask tile: a periodic square of {@code tileNm}; binary, with {@code features} opaque on a
 * clear field (dark features → resist lines) or, if {@code darkField}, clear on an opaque field
 * (holes, trenches → resist spaces). The measured feature is cut along x at {@code cutY} (or along
 * y at {@code cutX} when {@code verticalCut}), centred on {@code (centerX, centerY)}; the cut spans
 * ±{@code cutHalfWidthNm}, beyond which the printed region is taken as merged with a neighbour.
 */
public record MaskLayout(String family, double tileNm, boolean darkField, List<Rect> features,
                         double centerX, double centerY, boolean verticalCut, double cutHalfWidthNm,
                         double targetCdNm, double k1, double guardNm) {

    /** Resist remains on the printed feature (clear-field mask, positive resist). */
    public boolean featureIsLine() {
        return !darkField;
    }

    /** Every feature biased by d (nm, wafer scale), for MEEF. */
    public MaskLayout biased(double d) {
        return new MaskLayout(family, tileNm, darkField, features.stream().map(r -> r.biased(d)).toList(),
                centerX, centerY, verticalCut, cutHalfWidthNm, targetCdNm, k1, guardNm);
    }

    /** The tile translated by (dx, dy) nm, periodically wrapped by the rasteriser. */
    public MaskLayout shifted(double dx, double dy) {
        return new MaskLayout(family, tileNm, darkField, features.stream().map(r -> r.shifted(dx, dy)).toList(),
                centerX + dx, centerY + dy, verticalCut, cutHalfWidthNm, targetCdNm, k1, guardNm);
    }
}
