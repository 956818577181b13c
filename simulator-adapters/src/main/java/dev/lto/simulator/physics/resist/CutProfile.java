package dev.lto.simulator.physics.resist;

/**
 * Intensity along a cut line through the measured feature: {@code values[k]} at position
 * {@code start + k·step} (nm), the feature centred at {@code center}. A LINE feature is where the
 * resist stays (value below the clearing level), a SPACE feature where it clears.
 */
public record CutProfile(double start, double step, double[] values, double center, boolean line) {

    /** Outcome of one CD measurement. */
    public enum Status { OK, MISSING, MERGED }

    /** CD (nm) with sub-pixel edges from linear interpolation of the crossings. */
    public record Cd(double nm, Status status, double left, double right) {

        /** MISSING → 0, MERGED → +∞: a monotone stand-in for process-window searches. */
        public double monotone() {
            return switch (status) {
                case OK -> nm;
                case MISSING -> 0;
                case MERGED -> Double.POSITIVE_INFINITY;
            };
        }

        public boolean ok() {
            return status == Status.OK;
        }
    }

    private boolean inFeature(int k, double level) {
        return line ? values[k] < level : values[k] >= level;
    }

    /** CD of the feature at clearing level {@code level} (E_th/dose on the normalised image). */
    public Cd cd(double level) {
        int ic = (int) Math.round((center - start) / step);
        ic = Math.max(0, Math.min(values.length - 1, ic));
        if (!inFeature(ic, level)) {
            return new Cd(0, Status.MISSING, center, center);
        }
        int i = ic;
        while (i > 0 && inFeature(i - 1, level)) {
            i--;
        }
        if (i == 0) {
            return new Cd(Double.NaN, Status.MERGED, start, start + step * (values.length - 1));
        }
        double left = start + step * (i - 1 + (level - values[i - 1]) / (values[i] - values[i - 1]));
        int j = ic;
        while (j < values.length - 1 && inFeature(j + 1, level)) {
            j++;
        }
        if (j == values.length - 1) {
            return new Cd(Double.NaN, Status.MERGED, start, start + step * (values.length - 1));
        }
        double right = start + step * (j + (level - values[j]) / (values[j + 1] - values[j]));
        return new Cd(right - left, Status.OK, left, right);
    }

    /**
     * Clearing level at which the CD equals {@code cdNm}, by bisection on the monotone CD(level);
     * NaN when no level gives it (the feature merges or vanishes first).
     */
    public double levelForCd(double cdNm) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        // LINE: CD grows with the level; SPACE: it shrinks.
        double a = lo;
        double b = hi;
        for (int it = 0; it < 60; it++) {
            double mid = 0.5 * (a + b);
            double c = cd(mid).monotone();
            boolean below = line ? c < cdNm : c > cdNm;
            if (below) {
                a = mid;
            } else {
                b = mid;
            }
        }
        double level = 0.5 * (a + b);
        Cd check = cd(level);
        return check.ok() && Math.abs(check.nm() - cdNm) <= 0.01 * cdNm ? level : Double.NaN;
    }

    public double min() {
        double m = Double.POSITIVE_INFINITY;
        for (double v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    public double max() {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** Linear interpolation at position x (nm). */
    public double at(double x) {
        double p = (x - start) / step;
        int k = (int) Math.floor(p);
        if (k < 0) {
            return values[0];
        }
        if (k >= values.length - 1) {
            return values[values.length - 1];
        }
        double t = p - k;
        return values[k] * (1 - t) + values[k + 1] * t;
    }

    /** d(ln I)/dx at x (1/nm), central difference over one sample. */
    public double logSlope(double x) {
        double a = at(x - step);
        double b = at(x + step);
        return (Math.log(b) - Math.log(a)) / (2 * step);
    }
}
