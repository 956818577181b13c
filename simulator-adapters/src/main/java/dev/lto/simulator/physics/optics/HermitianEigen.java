package dev.lto.simulator.physics.optics;

import java.util.ArrayList;
import java.util.List;

/**
 * Eigen-decomposition of a small Hermitian matrix H = A + iB (double), through the real symmetric
 * embedding [[A, −B], [B, A]] and cyclic Jacobi rotations (robust, and fast enough for the ≤ 200
 * columns the randomized SVD leaves). Each eigenvalue of H appears twice in the embedding; the
 * complex eigenvectors x + iy are recovered in order of decreasing eigenvalue and orthogonalised
 * against the ones already taken, which also separates genuinely degenerate eigenvalues.
 */
final class HermitianEigen {

    final double[] values;   // descending
    final double[][] vecRe;  // vecRe[k][i]: component i of eigenvector k
    final double[][] vecIm;

    private HermitianEigen(double[] values, double[][] vecRe, double[][] vecIm) {
        this.values = values;
        this.vecRe = vecRe;
        this.vecIm = vecIm;
    }

    static HermitianEigen of(double[][] re, double[][] im) {
        int r = re.length;
        int n = 2 * r;
        double[][] a = new double[n][n];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < r; j++) {
                // Symmetrise: float32 products leave tiny non-Hermitian residue.
                double hr = 0.5 * (re[i][j] + re[j][i]);
                double hi = 0.5 * (im[i][j] - im[j][i]);
                a[i][j] = hr;
                a[i + r][j + r] = hr;
                a[i][j + r] = -hi;
                a[i + r][j] = hi;
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        jacobi(a, v);
        double[] ev = new double[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            ev[i] = a[i][i];
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(ev[y], ev[x]));
        List<double[]> takenRe = new ArrayList<>();
        List<double[]> takenIm = new ArrayList<>();
        List<Double> vals = new ArrayList<>();
        for (int oi = 0; oi < n && vals.size() < r; oi++) {
            int c = order[oi];
            double[] xr = new double[r];
            double[] xi = new double[r];
            for (int i = 0; i < r; i++) {
                xr[i] = v[i][c];
                xi[i] = v[i + r][c];
            }
            // Gram–Schmidt against taken vectors (complex inner product <t, x> = Σ conj(t)·x).
            for (int t = 0; t < takenRe.size(); t++) {
                double[] tr = takenRe.get(t);
                double[] ti = takenIm.get(t);
                double pr = 0;
                double pi = 0;
                for (int i = 0; i < r; i++) {
                    pr += tr[i] * xr[i] + ti[i] * xi[i];
                    pi += tr[i] * xi[i] - ti[i] * xr[i];
                }
                for (int i = 0; i < r; i++) {
                    xr[i] -= pr * tr[i] - pi * ti[i];
                    xi[i] -= pr * ti[i] + pi * tr[i];
                }
            }
            double norm = 0;
            for (int i = 0; i < r; i++) {
                norm += xr[i] * xr[i] + xi[i] * xi[i];
            }
            norm = Math.sqrt(norm);
            if (norm < 0.5) {
                continue; // the embedding's twin of an eigenvector already taken
            }
            for (int i = 0; i < r; i++) {
                xr[i] /= norm;
                xi[i] /= norm;
            }
            takenRe.add(xr);
            takenIm.add(xi);
            vals.add(ev[c]);
        }
        double[] values = new double[vals.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = vals.get(i);
        }
        return new HermitianEigen(values, takenRe.toArray(new double[0][]), takenIm.toArray(new double[0][]));
    }

    /** Cyclic Jacobi on symmetric a (overwritten: diagonal → eigenvalues), v accumulates rotations. */
    private static void jacobi(double[][] a, double[][] v) {
        int n = a.length;
        for (int sweep = 0; sweep < 60; sweep++) {
            double off = 0;
            double diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            // Input comes from float32 products: off-diagonal mass below 1e-20 of the diagonal is noise.
            if (off <= 1e-20 * Math.max(diag, 1e-300)) {
                return;
            }
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (Math.abs(apq) <= 1e-12 * Math.sqrt(Math.abs(a[p][p] * a[q][q])) || Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p];
                        double vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
    }
}
