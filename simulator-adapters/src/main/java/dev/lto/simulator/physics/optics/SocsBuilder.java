package dev.lto.simulator.physics.optics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Builds SOCS kernels without ever forming the TCC. With B[f, s] = √w_s·P(f + f_s) restricted to
 * the F frequencies any shifted pupil reaches, TCC = B·Bᴴ, so the kernels are B's left singular
 * vectors and α_k its squared singular values. A randomized range finder (Halko, Martinsson and
 * Tropp 2011: Gaussian test matrix, q power iterations, CholeskyQR2 re-orthonormalisation in
 * between) gives them in O(F·S·r) with r = K_max + oversampling, instead of O(F³) for the TCC.
 * The test matrix is seeded, so kernels are deterministic.
 */
public final class SocsBuilder {

    private SocsBuilder() {
    }

    public static SocsKernels build(OpticalSetting os, Source src, int maxKernels, int oversample,
                                    int powerIterations) {
        return buildAll(java.util.List.of(os), src, maxKernels, oversample, powerIterations)[0];
    }

    /** Frequencies any shifted pupil of the source reaches (σ units: 1 + source radius, plus 1.5 bins). */
    static double reach(OpticalSetting os, Source src) {
        return os.cutoff() * (1 + src.maxRadius()) + 1.5 / os.tileNm();
    }

    /**
     * The number of kernels a build keeps, in closed form: K = min(maxKernels, S, F). The TCC = B·Bᴴ
     * with B of F frequencies × S source points has rank ≤ min(S, F), so no more kernels exist; no
     * energy threshold (it made K depend on the eigenvalues, i.e. on a build).
     */
    public static int kernelCount(OpticalSetting os, Source src, int maxKernels) {
        int f = supportBins(os.imagePx(), os.tileNm(), reach(os, src)).length;
        return Math.min(maxKernels, Math.min(src.size(), f));
    }

    /**
     * Kernels for several settings that differ only in defocus (a focus series, e.g. the FEM), in one
     * batched pass: the pupil geometry 1 − √(1 − (λ|f + f_s|)²) is computed once and each focus only
     * multiplies its phase; the range finder runs on the stacked [nz, F, S] matrices with one shared
     * (seeded) test matrix, so every native call serves all focus values. Each setting's kernels are
     * exactly what a separate build would give.
     */
    public static SocsKernels[] buildAll(java.util.List<OpticalSetting> settings, Source src, int maxKernels,
                                         int oversample, int powerIterations) {
        long t0 = System.nanoTime();
        OpticalSetting os = settings.get(0);
        for (OpticalSetting o : settings) {
            if (!new OpticalSetting(o.wavelengthNm(), o.na(), 0, o.illumination(), o.sourceStepSigma(), o.tileNm(),
                    o.imagePx()).equals(new OpticalSetting(os.wavelengthNm(), os.na(), 0, os.illumination(),
                    os.sourceStepSigma(), os.tileNm(), os.imagePx()))) {
                throw new IllegalArgumentException("settings of one batched build may differ only in defocus");
            }
        }
        int nz = settings.size();
        int n = os.imagePx();
        double tile = os.tileNm();
        int[] support = supportBins(n, tile, reach(os, src));
        int f = support.length;
        int s = src.size();
        int r = Math.min(Math.min(s, f), maxKernels + oversample);
        try (NDManager m = Djl.newManager()) {
            float[] fx = new float[f];
            float[] fy = new float[f];
            for (int i = 0; i < f; i++) {
                fx[i] = (float) (ImagingGrid.freqIndex(support[i] % n, n) / tile);
                fy[i] = (float) (ImagingGrid.freqIndex(support[i] / n, n) / tile);
            }
            long tt = System.nanoTime();
            double[] zs = new double[nz];
            int[] offset = new int[nz + 1];
            for (int zi = 0; zi < nz; zi++) {
                zs[zi] = settings.get(zi).defocusNm();
                offset[zi + 1] = offset[zi] + s;
            }
            float[] buf = Imaging.pupilSeries(fx, fy, src, null, 0, s, os, zs, offset);
            double trace = 0;
            for (int si = 0; si < s; si++) {
                float a = (float) Math.sqrt(src.weight()[si]);
                double power = 0; // Σ_f |P_s(f)|² (soft rim: not a count of samples); focus does not change it
                for (int zi = 0; zi < nz; zi++) {
                    int base = (zi * s + si) * f * 2;
                    for (int i = base; i < base + 2 * f; i += 2) {
                        if (buf[i] != 0 || buf[i + 1] != 0) {
                            if (zi == 0) {
                                power += (double) buf[i] * buf[i] + (double) buf[i + 1] * buf[i + 1];
                            }
                            buf[i] *= a;
                            buf[i + 1] *= a;
                        }
                    }
                }
                trace += power * a * a;
            }
            NDArray p = m.create(buf, new Shape(nz, s, f, 2)).complex(); // Bᵀ [nz, S, F]
            NDArray pt = p.transpose(0, 2, 1);             // B   [nz, F, S]
            tt = lap("pupils", tt);

            SplittableRandom rnd = new SplittableRandom(0x5EED_50C5L);
            float[] omega = new float[s * r * 2];
            for (int i = 0; i < omega.length; i++) {
                omega[i] = (float) gaussian(rnd);
            }
            NDArray q = orthonormalize(m, pt.matMul(m.create(omega, new Shape(s, r, 2)).complex()));
            for (int it = 0; it < powerIterations; it++) {
                NDArray z = orthonormalize(m, adjointTimes(p, q));
                q = orthonormalize(m, pt.matMul(z));
            }
            tt = lap("range finder", tt);
            NDArray w = adjointTimes(p, q);                             // Bᴴ Q  [nz, S, r]
            NDArray h = w.conj().transpose(0, 2, 1).matMul(w);          // Qᴴ TCC Q  [nz, r, r]
            double[][][][] hh = toComplexBatch(h, nz, r, r);
            tt = lap("projection", tt);
            HermitianEigen[] eig = new HermitianEigen[nz];
            int[] kz = new int[nz];
            int kmax = 0;
            for (int zi = 0; zi < nz; zi++) {
                eig[zi] = HermitianEigen.of(hh[zi][0], hh[zi][1]);
                // K = min(maxKernels, S, F) = kernelCount(): r ≥ that and the eigenproblem is r×r.
                int k = Math.min(maxKernels, Math.min(s, f));
                if (k > eig[zi].values.length) {
                    throw new IllegalStateException("eigenproblem of size " + eig[zi].values.length + " < K = " + k);
                }
                kz[zi] = k;
                kmax = Math.max(kmax, k);
            }
            tt = lap("eigen", tt);
            float[] vk = new float[nz * r * kmax * 2];
            for (int zi = 0; zi < nz; zi++) {
                for (int col = 0; col < kz[zi]; col++) {
                    for (int row = 0; row < r; row++) {
                        int o = ((zi * r + row) * kmax + col) * 2;
                        vk[o] = (float) eig[zi].vecRe[col][row];
                        vk[o + 1] = (float) eig[zi].vecIm[col][row];
                    }
                }
            }
            NDArray u = q.matMul(m.create(vk, new Shape(nz, r, kmax, 2)).complex()); // [nz, F, kmax]
            float[] uf = u.real().toFloatArray();
            SocsKernels[] out = new SocsKernels[nz];
            double clear = Imaging.clearField(src, os);
            double seconds = (System.nanoTime() - t0) / 1e9 / nz;
            for (int zi = 0; zi < nz; zi++) {
                int k = kz[zi];
                float[] kernels = new float[k * n * n * 2];
                for (int fi = 0; fi < f; fi++) {
                    int bin = support[fi];
                    int base = (zi * f + fi) * kmax;
                    for (int kk = 0; kk < k; kk++) {
                        kernels[(kk * n * n + bin) * 2] = uf[(base + kk) * 2];
                        kernels[(kk * n * n + bin) * 2 + 1] = uf[(base + kk) * 2 + 1];
                    }
                }
                int avail = eig[zi].values.length;
                double[] alpha = new double[avail];
                for (int i = 0; i < avail; i++) {
                    alpha[i] = Math.max(0, eig[zi].values[i]);
                }
                out[zi] = new SocsKernels(settings.get(zi), k, kernels, alpha, trace, clear, s, seconds);
            }
            lap("kernels", tt);
            return out;
        }
    }

    /** Bᴴ·Q = conj(Bᵀ·conj(Q)) for p = Bᵀ: conjugates only the thin factors, never the big matrix. */
    private static NDArray adjointTimes(NDArray p, NDArray q) {
        return p.matMul(q.conj()).conj();
    }

    private static final boolean TRACE = Boolean.getBoolean("lto.physics.trace");

    private static long lap(String what, long since) {
        long now = System.nanoTime();
        if (TRACE) {
            System.err.printf(java.util.Locale.ROOT, "  [trace] socs %-13s %8.1f ms%n", what, (now - since) / 1e6);
        }
        return now;
    }

    /** Flat indices (row·n + col) of the n×n window whose frequency lies within {@code reach}. */
    static int[] supportBins(int n, double tile, double reach) {
        int[] tmp = new int[n * n];
        int c = 0;
        for (int i = 0; i < n; i++) {
            double fy = ImagingGrid.freqIndex(i, n) / tile;
            for (int j = 0; j < n; j++) {
                double fx = ImagingGrid.freqIndex(j, n) / tile;
                if (fx * fx + fy * fy <= reach * reach) {
                    tmp[c++] = i * n + j;
                }
            }
        }
        return java.util.Arrays.copyOf(tmp, c);
    }

    /**
     * CholeskyQR2 on a batch [nz, F, r]: Q = Y·R⁻¹ with RᴴR = YᴴY, twice for orthogonality in float32.
     * Columns that are numerically dependent (pivot below 1e-6 of the largest) become zero columns, so
     * every member of the batch keeps r columns; zero columns carry zero eigenvalues later.
     */
    static NDArray orthonormalize(NDManager m, NDArray y) {
        NDArray q = y;
        int nz = (int) q.getShape().get(0);
        int r = (int) q.getShape().get(2);
        for (int pass = 0; pass < 2; pass++) {
            NDArray g = q.conj().transpose(0, 2, 1).matMul(q);
            double[][][][] gg = toComplexBatch(g, nz, r, r);
            float[] buf = new float[nz * r * r * 2];
            for (int zi = 0; zi < nz; zi++) {
                double[][][] rinv = choleskyInverseUpper(gg[zi][0], gg[zi][1]);
                int keep = rinv[0][0].length;
                for (int i = 0; i < r; i++) {
                    for (int j = 0; j < keep; j++) {
                        buf[((zi * r + i) * r + j) * 2] = (float) rinv[0][i][j];
                        buf[((zi * r + i) * r + j) * 2 + 1] = (float) rinv[1][i][j];
                    }
                }
            }
            q = q.matMul(m.create(buf, new Shape(nz, r, r, 2)).complex());
        }
        return q;
    }

    /**
     * For Hermitian positive semi-definite G (r×r), the Cholesky factor G = RᴴR (R upper), and
     * returns R⁻¹ restricted to the columns whose pivots are numerically non-zero (r×keep).
     */
    static double[][][] choleskyInverseUpper(double[][] gr, double[][] gi) {
        int r = gr.length;
        double maxDiag = 0;
        for (int i = 0; i < r; i++) {
            maxDiag = Math.max(maxDiag, gr[i][i]);
        }
        // Lower-triangular L with G = L Lᴴ (then R = Lᴴ); skipped (dependent) columns are marked.
        double[][] lr = new double[r][r];
        double[][] li = new double[r][r];
        boolean[] live = new boolean[r];
        for (int j = 0; j < r; j++) {
            double d = gr[j][j];
            for (int k = 0; k < j; k++) {
                if (live[k]) {
                    d -= lr[j][k] * lr[j][k] + li[j][k] * li[j][k];
                }
            }
            if (d <= 1e-6 * maxDiag) {
                continue;
            }
            live[j] = true;
            double ljj = Math.sqrt(d);
            lr[j][j] = ljj;
            for (int i = j + 1; i < r; i++) {
                // L[i][j] = (G[i][j] − Σ_k L[i][k]·conj(L[j][k])) / L[j][j]
                double sr = gr[i][j];
                double si = gi[i][j];
                for (int k = 0; k < j; k++) {
                    if (live[k]) {
                        sr -= lr[i][k] * lr[j][k] + li[i][k] * li[j][k];
                        si -= li[i][k] * lr[j][k] - lr[i][k] * li[j][k];
                    }
                }
                lr[i][j] = sr / ljj;
                li[i][j] = si / ljj;
            }
        }
        int[] cols = java.util.stream.IntStream.range(0, r).filter(j -> live[j]).toArray();
        int keep = cols.length;
        // Reduced system: L_live (keep×keep lower) from live rows/cols; Q = Y_live · L_live^{-H}.
        double[][] ar = new double[keep][keep];
        double[][] ai = new double[keep][keep];
        for (int a = 0; a < keep; a++) {
            for (int b = 0; b <= a; b++) {
                ar[a][b] = lr[cols[a]][cols[b]];
                ai[a][b] = li[cols[a]][cols[b]];
            }
        }
        // Inverse of lower-triangular L_live by forward substitution: X = L⁻¹.
        double[][] xr = new double[keep][keep];
        double[][] xi = new double[keep][keep];
        for (int c = 0; c < keep; c++) {
            for (int i = c; i < keep; i++) {
                double sr = i == c ? 1 : 0;
                double si = 0;
                for (int k = c; k < i; k++) {
                    sr -= ar[i][k] * xr[k][c] - ai[i][k] * xi[k][c];
                    si -= ar[i][k] * xi[k][c] + ai[i][k] * xr[k][c];
                }
                // divide by L[i][i] (real)
                xr[i][c] = sr / ar[i][i];
                xi[i][c] = si / ar[i][i];
            }
        }
        // R⁻¹ = (Lᴴ)⁻¹ = (L⁻¹)ᴴ, embedded into r rows (dependent rows get 0).
        double[][] outR = new double[r][keep];
        double[][] outI = new double[r][keep];
        for (int a = 0; a < keep; a++) {
            for (int b = 0; b < keep; b++) {
                outR[cols[a]][b] = xr[b][a];
                outI[cols[a]][b] = -xi[b][a];
            }
        }
        return new double[][][] {outR, outI};
    }

    static double[][][][] toComplexBatch(NDArray a, int nz, int rows, int cols) {
        float[] v = a.real().toFloatArray();
        double[][][][] out = new double[nz][2][rows][cols];
        for (int z = 0; z < nz; z++) {
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    int o = ((z * rows + i) * cols + j) * 2;
                    out[z][0][i][j] = v[o];
                    out[z][1][i][j] = v[o + 1];
                }
            }
        }
        return out;
    }

    static double[][][] toComplex(NDArray a, int rows, int cols) {
        float[] v = a.real().toFloatArray();
        double[][] re = new double[rows][cols];
        double[][] im = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                re[i][j] = v[(i * cols + j) * 2];
                im[i][j] = v[(i * cols + j) * 2 + 1];
            }
        }
        return new double[][][] {re, im};
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
