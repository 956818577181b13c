package dev.lto.simulator.physics.mask;

import dev.lto.contracts.PatternComplexity;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The pattern catalogue: job_class (1–20) picks a feature family and a k₁ target, the target CD is
 * CD = k₁·λ/NA (nm), and pattern_complexity picks the 2-D environment around the measured feature.
 * Every length scales with λ/NA, so a class is the same pattern at every wavelength and NA; the
 * environment is pseudo-random but seeded by (class, complexity), hence deterministic.
 */
public final class PatternCatalogue {

    /** Feature families of the catalogue. */
    public enum Family { DENSE_LS, ISO_LINE, CONTACTS, LINE_ENDS, LOGIC_2D, SRAM }

    /** One catalogue entry. */
    public record Entry(int jobClass, Family family, double k1) {
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry(1, Family.DENSE_LS, 0.50), new Entry(2, Family.DENSE_LS, 0.42),
            new Entry(3, Family.DENSE_LS, 0.35), new Entry(4, Family.DENSE_LS, 0.30),
            new Entry(5, Family.ISO_LINE, 0.50), new Entry(6, Family.ISO_LINE, 0.40),
            new Entry(7, Family.ISO_LINE, 0.32), new Entry(8, Family.CONTACTS, 0.60),
            new Entry(9, Family.CONTACTS, 0.50), new Entry(10, Family.CONTACTS, 0.42),
            new Entry(11, Family.LINE_ENDS, 0.50), new Entry(12, Family.LINE_ENDS, 0.40),
            new Entry(13, Family.LINE_ENDS, 0.34), new Entry(14, Family.LOGIC_2D, 0.55),
            new Entry(15, Family.LOGIC_2D, 0.45), new Entry(16, Family.LOGIC_2D, 0.38),
            new Entry(17, Family.SRAM, 0.55), new Entry(18, Family.SRAM, 0.45),
            new Entry(19, Family.SRAM, 0.38), new Entry(20, Family.DENSE_LS, 0.25));

    private PatternCatalogue() {
    }

    public static List<Entry> entries() {
        return ENTRIES;
    }

    public static Entry entry(int jobClass) {
        if (jobClass < 1 || jobClass > ENTRIES.size()) {
            throw new IllegalArgumentException("job_class must be 1-20, got " + jobClass);
        }
        return ENTRIES.get(jobClass - 1);
    }

    /**
     * The tile for a job. {@code tileLambdaOverNa} is the periodic tile's side and {@code
     * guardLambdaOverNa} the empty guard band at its border, both in units of λ/NA.
     */
    public static MaskLayout layout(int jobClass, PatternComplexity complexity, double wavelengthNm, double na,
                                    double tileLambdaOverNa, double guardLambdaOverNa) {
        Entry e = entry(jobClass);
        double u = wavelengthNm / na;
        double cd = e.k1() * u;
        double tile = tileLambdaOverNa * u;
        double guard = guardLambdaOverNa * u;
        return build(e, complexity, cd, tile, guard, u);
    }

    /** The class's pattern on a tile of explicit size (nm), guard 2.5·λ/NA: for the benchmark's fixed grids. */
    public static MaskLayout layoutOnTile(int jobClass, PatternComplexity complexity, double wavelengthNm, double na,
                                          double tileNm) {
        Entry e = entry(jobClass);
        double u = wavelengthNm / na;
        return build(e, complexity, e.k1() * u, tileNm, Math.min(2.5 * u, tileNm / 4), u);
    }

    /** Same, at an explicit target CD, tile and guard (nm). */
    static MaskLayout build(Entry e, PatternComplexity complexity, double cd, double tile, double guard, double u) {
        double c = tile / 2;
        double lo = guard;
        double hi = tile - guard;
        double pitch = 2 * cd;
        // Half-length of the line features around the cut: shorter lines bring line ends (2-D
        // proximity) closer to the cut as complexity rises.
        double halfLen = switch (complexity) {
            case SIMPLE, MODERATE -> (hi - lo) / 2;
            case COMPLEX -> 3 * pitch;
            case EXTREME -> 2 * pitch;
        };
        double density = switch (complexity) {
            case SIMPLE -> 0;
            case MODERATE -> 0.15;
            case COMPLEX -> 0.30;
            case EXTREME -> 0.45;
        };
        List<Rect> f = new ArrayList<>();
        boolean dark = false;
        double cutHalf;
        switch (e.family()) {
            case DENSE_LS -> {
                int half = (int) Math.floor(((hi - lo) / 2 - cd / 2) / pitch);
                for (int i = -half; i <= half; i++) {
                    f.add(clip(Rect.centered(c + i * pitch, c, cd, 2 * halfLen), lo, hi));
                }
                cutHalf = cd / 2 + 0.9 * cd;
            }
            case ISO_LINE -> {
                f.add(clip(Rect.centered(c, c, cd, 2 * halfLen), lo, hi));
                cutHalf = 2 * cd;
            }
            case CONTACTS -> {
                dark = true;
                int half = (int) Math.floor(((hi - lo) / 2 - cd / 2) / pitch);
                int halfY = complexity == PatternComplexity.SIMPLE || complexity == PatternComplexity.MODERATE
                        ? half : Math.min(half, 2);
                for (int j = -halfY; j <= halfY; j++) {
                    for (int i = -half; i <= half; i++) {
                        f.add(Rect.centered(c + i * pitch, c + j * pitch, cd, cd));
                    }
                }
                cutHalf = cd / 2 + 0.9 * cd;
            }
            case LINE_ENDS -> {
                double gap = 1.5 * cd;
                double tipLow = c + cd; // cut at y = c, one CD below the tip
                int half = (int) Math.floor(((hi - lo) / 2 - cd / 2) / pitch);
                for (int i = -half; i <= half; i++) {
                    double x = c + i * pitch;
                    f.add(clip(new Rect(x - cd / 2, c - halfLen, x + cd / 2, tipLow), lo, hi));
                    f.add(clip(new Rect(x - cd / 2, tipLow + gap, x + cd / 2, c + halfLen), lo, hi));
                }
                cutHalf = cd / 2 + 0.9 * cd;
            }
            case LOGIC_2D -> {
                SplittableRandom rnd = new SplittableRandom(1000L * e.jobClass() + 7);
                int tracks = (int) Math.floor(((hi - lo) / 2 - cd / 2) / pitch);
                for (int i = -tracks; i <= tracks; i++) {
                    double x = c + i * pitch;
                    if (i == 0) {
                        f.add(clip(Rect.centered(x, c, cd, 6 * cd), lo, hi));
                        addSegments(f, rnd, x, cd, lo, c - 3 * cd - 2 * cd, -1);
                        addSegments(f, rnd, x, cd, c + 3 * cd + 2 * cd, hi, +1);
                    } else {
                        addSegments(f, rnd, x, cd, lo, hi, +1);
                    }
                }
                cutHalf = cd / 2 + 0.9 * cd;
            }
            case SRAM -> {
                double segLen = 3 * cd;
                double periodY = segLen + 1.5 * cd;
                int rows = (int) Math.floor(((hi - lo) / 2 - segLen / 2) / periodY);
                int cols = (int) Math.floor(((hi - lo) / 2 - cd / 2) / pitch);
                for (int j = -rows; j <= rows; j++) {
                    for (int i = -cols; i <= cols; i++) {
                        if (((i + j) & 1) == 0) {
                            f.add(Rect.centered(c + i * pitch, c + j * periodY, cd, segLen));
                        }
                    }
                }
                cutHalf = cd / 2 + 0.9 * (2 * pitch - cd);
            }
            default -> throw new IllegalStateException();
        }
        if (density > 0) {
            addContext(f, new SplittableRandom(31L * e.jobClass() + complexity.ordinal()), density, cd, c, lo, hi);
        }
        return new MaskLayout(e.family().name().toLowerCase(java.util.Locale.ROOT), tile, dark, List.copyOf(f),
                c, c, false, cutHalf, cd, e.k1(), guard);
    }

    private static void addSegments(List<Rect> f, SplittableRandom rnd, double x, double cd, double from, double to,
                                    int dir) {
        double y = from + rnd.nextDouble(0, 2) * cd;
        while (y < to) {
            double len = (3 + rnd.nextDouble() * 7) * cd;
            double y1 = Math.min(to, y + len);
            if (y1 - y >= 2 * cd) {
                f.add(new Rect(x - cd / 2, y, x + cd / 2, y1));
            }
            y = y1 + (2 + rnd.nextDouble()) * cd;
        }
    }

    /**
     * Logic-like context: wire stubs (width CD, length 2–6 CD, horizontal or vertical) dropped at
     * random in the active area, at least one CD from everything else and two pitches from the
     * measured feature, until they cover {@code density} of the area or attempts run out.
     */
    private static void addContext(List<Rect> f, SplittableRandom rnd, double density, double cd, double c,
                                   double lo, double hi) {
        double area = (hi - lo) * (hi - lo);
        double covered = 0;
        for (Rect r : f) {
            covered += (r.x1() - r.x0()) * (r.y1() - r.y0());
        }
        Rect keepOut = Rect.centered(c, c, 8 * cd, 6 * cd);
        for (int attempt = 0; attempt < 4000 && covered < density * area; attempt++) {
            double len = (2 + rnd.nextDouble() * 4) * cd;
            boolean horizontal = rnd.nextBoolean();
            double w = horizontal ? len : cd;
            double h = horizontal ? cd : len;
            double x = lo + w / 2 + rnd.nextDouble() * Math.max(1e-9, hi - lo - w);
            double y = lo + h / 2 + rnd.nextDouble() * Math.max(1e-9, hi - lo - h);
            Rect r = Rect.centered(x, y, w, h);
            if (r.overlaps(keepOut, 0)) {
                continue;
            }
            boolean clash = false;
            for (Rect o : f) {
                if (r.overlaps(o, cd)) {
                    clash = true;
                    break;
                }
            }
            if (!clash) {
                f.add(r);
                covered += w * h;
            }
        }
    }

    private static Rect clip(Rect r, double lo, double hi) {
        return new Rect(Math.max(lo, r.x0()), Math.max(lo, r.y0()), Math.min(hi, r.x1()), Math.min(hi, r.y1()));
    }
}
