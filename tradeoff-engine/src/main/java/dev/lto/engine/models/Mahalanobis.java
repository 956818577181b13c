package dev.lto.engine.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lto.engine.stats.ChiSquare;

/**
 * Mahalanobis distance of a job's standardised parameters from the training data, D² = (x−μ)ᵀΣ⁻¹(x−μ),
 * with the χ²_p quantile as out-of-distribution cut-off (ML.md). Σ gets a small ridge so that
 * discrete parameters never make it singular.
 *
 * @param mean     μ over the first {@code dims} standardised features of the training jobs
 * @param inverse  Σ⁻¹, row-major dims×dims
 * @param cutoff   χ²_dims quantile at the configured level
 */
public record Mahalanobis(@JsonProperty("mean") double[] mean, @JsonProperty("inverse") double[] inverse,
                   @JsonProperty("cutoff") double cutoff) {

    public static Mahalanobis fit(double[][] x, int dims, double quantile) {
        int n = x.length;
        double[] mu = new double[dims];
        for (double[] r : x) {
            for (int j = 0; j < dims; j++) {
                mu[j] += r[j] / n;
            }
        }
        double[][] cov = new double[dims][dims];
        for (double[] r : x) {
            for (int a = 0; a < dims; a++) {
                for (int b = 0; b < dims; b++) {
                    cov[a][b] += (r[a] - mu[a]) * (r[b] - mu[b]) / Math.max(1, n - 1);
                }
            }
        }
        for (int a = 0; a < dims; a++) {
            cov[a][a] += 1e-6;
        }
        return new Mahalanobis(mu, flatten(invert(cov)), ChiSquare.quantile(dims, quantile));
    }

    public int dims() {
        return mean.length;
    }

    double distance2(double[] x) {
        int d = mean.length;
        double[] z = new double[d];
        for (int j = 0; j < d; j++) {
            z[j] = x[j] - mean[j];
        }
        double s = 0;
        for (int a = 0; a < d; a++) {
            double row = 0;
            for (int b = 0; b < d; b++) {
                row += inverse[a * d + b] * z[b];
            }
            s += z[a] * row;
        }
        return s;
    }

    /** Gauss–Jordan inverse with partial pivoting (small, symmetric positive-definite matrices). */
    static double[][] invert(double[][] m) {
        int n = m.length;
        double[][] a = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], 0, a[i], 0, n);
            a[i][n + i] = 1;
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            double piv = a[c][c];
            for (int k = 0; k < 2 * n; k++) {
                a[c][k] /= piv;
            }
            for (int r = 0; r < n; r++) {
                if (r != c && a[r][c] != 0) {
                    double f = a[r][c];
                    for (int k = 0; k < 2 * n; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
        double[][] inv = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], n, inv[i], 0, n);
        }
        return inv;
    }

    private static double[] flatten(double[][] m) {
        int n = m.length;
        double[] f = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], 0, f, i * n, n);
        }
        return f;
    }
}
