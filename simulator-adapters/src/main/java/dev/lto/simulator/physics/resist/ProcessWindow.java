package dev.lto.simulator.physics.resist;

/**
 * Process window of one feature from its cut profiles through focus. With a threshold resist the
 * CD at any dose follows from the profile, so the dose axis is continuous: for every focus the
 * doses E_lo, E_hi that print CD = (1 ∓ 10 %)·target are solved exactly. Along focus the cut
 * profiles are interpolated (monotone cubic, Fritsch–Carlson) on a grid 8× finer than the FEM and
 * the dose limits once more onto 801 points. Depth of focus is the longest focus interval over
 * which one dose window of relative width ≥ the required exposure latitude stays open.
 *
 * @param focusNm     FEM focus values (ascending)
 * @param doseLow     per focus, lower dose limit (mJ/cm²), NaN where no dose prints within spec
 * @param doseHigh    per focus, upper dose limit
 * @param dofNm       depth of focus at the required latitude (0 if none)
 * @param dofAtEdge   true when the focus interval DoF was read on reaches the first or last focus of the
 *                    FEM range with the dose window still open: the true DoF may be larger (a lower
 *                    bound; reported as {@code depth_of_focus_lower_bound})
 * @param exposureLatitudePct (E_hi − E_lo)/E_size·100 at best focus (focus = 0)
 */
public record ProcessWindow(double[] focusNm, double[] doseLow, double[] doseHigh, double dofNm, boolean dofAtEdge,
                            double windowDose, double exposureLatitudePct) {

    /** Focus samples interpolated between two FEM focus values, for the dose limits. */
    public static final int REFINE = 8;

    public static ProcessWindow of(double[] focus, CutProfile[] profiles, double targetCd, double thresholdDose,
                                   double cdTolerance, double requiredLatitude) {
        // The intensity is smooth in focus: interpolate the cut profiles (monotone cubic, per
        // position) on a grid REFINE× finer than the FEM, so that the focus at which the feature
        // leaves spec is resolved finer than the FEM step.
        int mf = focus.length;
        int m = (mf - 1) * REFINE + 1;
        double[] zf = new double[m];
        CutProfile[] pf = new CutProfile[m];
        int len = profiles[0].values().length;
        double[][] byX = new double[len][mf];
        for (int i = 0; i < mf; i++) {
            for (int k = 0; k < len; k++) {
                byX[k][i] = profiles[i].values()[k];
            }
        }
        Pchip[] interp = new Pchip[len];
        for (int k = 0; k < len; k++) {
            interp[k] = new Pchip(focus, byX[k]);
        }
        for (int j = 0; j < m; j++) {
            int seg = Math.min(j / REFINE, mf - 2);
            double t = (j - seg * REFINE) / (double) REFINE;
            zf[j] = focus[seg] + t * (focus[seg + 1] - focus[seg]);
            double[] v = new double[len];
            for (int k = 0; k < len; k++) {
                v[k] = interp[k].at(zf[j]);
            }
            CutProfile p0 = profiles[0];
            pf[j] = new CutProfile(p0.start(), p0.step(), v, p0.center(), p0.line());
        }
        return ofDense(focus, profiles, zf, pf, targetCd, thresholdDose, cdTolerance, requiredLatitude);
    }

    private static ProcessWindow ofDense(double[] femFocus, CutProfile[] femProfiles, double[] focus,
                                         CutProfile[] profiles, double targetCd, double thresholdDose,
                                         double cdTolerance, double requiredLatitude) {
        int m = focus.length;
        double[] lo = new double[m];
        double[] hi = new double[m];
        for (int i = 0; i < m; i++) {
            double l1 = profiles[i].levelForCd(targetCd * (1 + cdTolerance));
            double l2 = profiles[i].levelForCd(targetCd * (1 - cdTolerance));
            double e1 = thresholdDose / l1;
            double e2 = thresholdDose / l2;
            lo[i] = Double.isNaN(e1) || Double.isNaN(e2) ? Double.NaN : Math.min(e1, e2);
            hi[i] = Double.isNaN(e1) || Double.isNaN(e2) ? Double.NaN : Math.max(e1, e2);
        }
        // Exposure latitude at best focus (the sample nearest to 0).
        int best = 0;
        for (int i = 1; i < m; i++) {
            if (Math.abs(focus[i]) < Math.abs(focus[best])) {
                best = i;
            }
        }
        double lSize = profiles[best].levelForCd(targetCd);
        double eSize = thresholdDose / lSize;
        double el = Double.isNaN(lo[best]) || Double.isNaN(eSize) ? 0 : 100 * (hi[best] - lo[best]) / eSize;

        int fine = 801;
        double z0 = focus[0];
        double z1 = focus[m - 1];
        double[] fz = new double[fine];
        double[] flo = new double[fine];
        double[] fhi = new double[fine];
        Pchip plo = new Pchip(focus, lo);
        Pchip phi = new Pchip(focus, hi);
        for (int k = 0; k < fine; k++) {
            fz[k] = z0 + (z1 - z0) * k / (fine - 1);
            flo[k] = plo.at(fz[k]);
            fhi[k] = phi.at(fz[k]);
        }
        double bestDof = 0;
        double bestDose = Double.NaN;
        boolean atEdge = false;
        for (int a = 0; a < fine; a++) {
            double maxLo = Double.NEGATIVE_INFINITY;
            double minHi = Double.POSITIVE_INFINITY;
            for (int b = a; b < fine; b++) {
                if (Double.isNaN(flo[b]) || Double.isNaN(fhi[b])) {
                    break;
                }
                maxLo = Math.max(maxLo, flo[b]);
                minHi = Math.min(minHi, fhi[b]);
                double mid = 0.5 * (maxLo + minHi);
                if (minHi - maxLo < requiredLatitude * mid) {
                    break;
                }
                double len = fz[b] - fz[a];
                if (len > bestDof || (len == bestDof && b > a && Double.isNaN(bestDose))) {
                    bestDof = len;
                    bestDose = mid;
                    atEdge = a == 0 || b == fine - 1;
                }
            }
        }
        double[] femLo = new double[femFocus.length];
        double[] femHi = new double[femFocus.length];
        for (int i = 0; i < femFocus.length; i++) {
            femLo[i] = lo[i * REFINE];
            femHi[i] = hi[i * REFINE];
        }
        return new ProcessWindow(femFocus, femLo, femHi, bestDof, atEdge, bestDose, el);
    }

    /** Monotone piecewise-cubic Hermite interpolation; NaN inside any interval touching a NaN sample. */
    static final class Pchip {
        private final double[] x;
        private final double[] y;
        private final double[] d;

        Pchip(double[] x, double[] y) {
            this.x = x;
            this.y = y;
            int n = x.length;
            d = new double[n];
            double[] delta = new double[Math.max(1, n - 1)];
            for (int i = 0; i < n - 1; i++) {
                delta[i] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
            }
            for (int i = 0; i < n; i++) {
                if (n == 1) {
                    d[i] = 0;
                } else if (i == 0) {
                    d[i] = delta[0];
                } else if (i == n - 1) {
                    d[i] = delta[n - 2];
                } else if (Double.isNaN(delta[i - 1]) || Double.isNaN(delta[i])) {
                    d[i] = Double.isNaN(delta[i - 1]) ? delta[i] : delta[i - 1];
                } else if (delta[i - 1] * delta[i] <= 0) {
                    d[i] = 0;
                } else {
                    double h0 = x[i] - x[i - 1];
                    double h1 = x[i + 1] - x[i];
                    double w1 = 2 * h1 + h0;
                    double w2 = h1 + 2 * h0;
                    d[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]);
                }
            }
        }

        double at(double t) {
            int n = x.length;
            if (n == 1) {
                return y[0];
            }
            int i = 0;
            while (i < n - 2 && t > x[i + 1]) {
                i++;
            }
            if (Double.isNaN(y[i]) || Double.isNaN(y[i + 1])) {
                return Double.NaN;
            }
            double h = x[i + 1] - x[i];
            double s = (t - x[i]) / h;
            double h00 = (1 + 2 * s) * (1 - s) * (1 - s);
            double h10 = s * (1 - s) * (1 - s);
            double h01 = s * s * (3 - 2 * s);
            double h11 = s * s * (s - 1);
            double di = Double.isNaN(d[i]) ? 0 : d[i];
            double dj = Double.isNaN(d[i + 1]) ? 0 : d[i + 1];
            return h00 * y[i] + h10 * h * di + h01 * y[i + 1] + h11 * h * dj;
        }
    }
}
