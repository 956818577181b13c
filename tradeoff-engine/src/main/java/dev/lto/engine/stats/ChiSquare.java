package dev.lto.engine.stats;

/**
 * χ² quantiles for the Mahalanobis out-of-distribution cut-off (ML.md: D² of Gaussian data is χ²
 * with p degrees of freedom). Regularised lower incomplete gamma by its series (Numerical Recipes
 * §6.2), inverted by bisection; exact to 1e-10, and no statistics library needed.
 */
public final class ChiSquare {

    private ChiSquare() {
    }

    /** x with P(χ²_k ≤ x) = q. */
    public static double quantile(int k, double q) {
        double lo = 0;
        double hi = k + 40 * Math.sqrt(2.0 * k) + 100;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (cdf(k, mid) < q) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    public static double cdf(int k, double x) {
        return x <= 0 ? 0 : gammaP(k / 2.0, x / 2.0);
    }

    /** P(a, x) = γ(a, x)/Γ(a); series for x < a + 1, continued fraction otherwise. */
    static double gammaP(double a, double x) {
        double lnPrefix = -x + a * Math.log(x) - lnGamma(a);
        if (x < a + 1) {
            double sum = 1 / a;
            double term = sum;
            for (int n = 1; n < 1000; n++) {
                term *= x / (a + n);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * 1e-15) {
                    break;
                }
            }
            return sum * Math.exp(lnPrefix);
        }
        // Lentz's continued fraction for Q(a, x).
        double b = x + 1 - a;
        double c = 1 / 1e-300;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 1000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < 1e-300 ? 1e-300 : d;
            c = b + an / c;
            c = Math.abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) {
                break;
            }
        }
        return 1 - Math.exp(lnPrefix) * h;
    }

    /** Lanczos approximation of ln Γ(x), x > 0 (Numerical Recipes §6.1). */
    static double lnGamma(double x) {
        double[] cof = {76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155,
                0.1208650973866179e-2, -0.5395239384953e-5};
        double y = x;
        double tmp = x + 5.5;
        tmp -= (x + 0.5) * Math.log(tmp);
        double ser = 1.000000000190015;
        for (double c : cof) {
            ser += c / ++y;
        }
        return -tmp + Math.log(2.5066282746310005 * ser / x);
    }
}
