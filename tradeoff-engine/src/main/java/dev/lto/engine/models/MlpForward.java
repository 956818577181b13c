package dev.lto.engine.models;

/**
 * MC-dropout inference of the trained MLP in plain Java: d → 256 (BatchNorm folded in) → ReLU →
 * dropout mask → 128 → ReLU → 64 → ReLU → k, over P fixed masks, in float like libtorch.
 *
 * <p>Why not libtorch: each of the dozen libtorch calls of the batched pass costs JNI, native
 * allocation and tensor set-up, and a dense GEMM does all ≈ 4 M multiply-adds of a row's 100
 * passes. Here the ReLU zeros are skipped (a term 0·w adds exactly 0, so skipping it changes no bit
 * of the sum) and layer 2 of a pass is computed from the units its mask drops (see
 * {@link #predict}), ≈ 1 M multiply-adds per row: ≈ 0.2 ms of CPU on the benchmark machine.
 *
 * <p>The weights are a copy of the DJL parameters (which stay what is trained and stored), kept as
 * one array per input unit (row k of W, in × out layout), so that each layer is a sequence of
 * {@code acc[j] += a·W[k][j]} updates over j. Separate row arrays are what lets the JIT turn that
 * loop into SIMD (with one array and an offset it cannot rule out that acc and W overlap), and four
 * rows are folded per pass over acc: {@code acc[j] + a₀W[k₀][j] + a₁W[k₁][j] + …} evaluates left to
 * right, so it rounds exactly like four separate updates. The product x·W is summed first and the
 * bias added after, as in the libtorch path; {@link MlpSignals} checks the two agree when a model is
 * built or loaded.
 *
 * @param w1 first layer, BatchNorm folded in: w1[k] is input k's row of 256 weights
 * @param w2 w2[k]: unit k's row of the second layer's weights, likewise w3, w4
 */
record MlpForward(float[][] w1, float[] b1, float[][] w2, float[] b2, float[][] w3, float[] b3, float[][] w4,
                  float[] b4) {

    int in() {
        return w1.length;
    }

    int h1() {
        return b1.length;
    }

    int h2() {
        return b2.length;
    }

    int h3() {
        return b3.length;
    }

    int outputs() {
        return b4.length;
    }

    /**
     * MC-dropout mean and standard deviation (population sd over the passes, as the libtorch path)
     * per row and output, of {@code n} rows of {@code in} floats: [0] mean, [1] sd, each n × k.
     *
     * @param dropped per pass, the indices of the first hidden layer's units its dropout mask drops, ascending
     * @param scale inverted-dropout scale 1/keep of a kept unit
     */
    double[][][] predict(float[] x, int n, int[][] dropped, float scale) {
        int in = in();
        int k = outputs();
        int passes = dropped.length;
        double[][][] r = new double[2][n][k];
        float[] x1 = new float[in];
        float[] a1 = new float[h1()];
        float[] a2 = new float[h2()];
        float[] a3 = new float[h3()];
        float[] a4 = new float[k];
        float[] out = new float[passes * k];
        float[] full = new float[h2()];
        float[] part = new float[h2()];
        float[] zero2 = new float[h2()];
        int[] units = new int[Math.max(in, Math.max(h1(), h2()))];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, i * in, x1, 0, in);
            dense(x1, null, w1, b1, a1, units);
            relu(a1);
            // Layer 2 of pass p is s·Σ_{u kept by p} h[u]·W₂[u] + b₂ (inverted dropout, s = 1/keep). Written
            // as s·(F − D_p), F = Σ_u h[u]·W₂[u] once per row and D_p the sum over the ≈ 30 % of units p
            // drops, it reads ≈ 0.3 instead of 0.7 of W₂ per pass: the same value up to float rounding
            // (checked against libtorch at load, MlpSignals.AGREEMENT).
            dense(a1, null, w2, zero2, full, units);
            for (int p = 0; p < passes; p++) {
                dense(a1, dropped[p], w2, zero2, part, units);
                for (int j = 0; j < a2.length; j++) {
                    a2[j] = Math.max(scale * (full[j] - part[j]) + b2[j], 0f);
                }
                dense(a2, null, w3, b3, a3, units);
                relu(a3);
                dense(a3, null, w4, b4, a4, units);
                System.arraycopy(a4, 0, out, p * k, k);
            }
            for (int j = 0; j < k; j++) {
                double sum = 0;
                for (int q = 0; q < passes; q++) {
                    sum += out[q * k + j];
                }
                float mean = (float) (sum / passes);
                double ss = 0;
                for (int q = 0; q < passes; q++) {
                    float dev = out[q * k + j] - mean;
                    ss += dev * dev;
                }
                r[0][i][j] = mean;
                r[1][i][j] = (float) Math.sqrt(ss / passes);
            }
        }
        return r;
    }

    /**
     * acc = (h over the units in {@code only}, or all units)·W + b, skipping exact zeros of h (a ReLU
     * output is zero for about half the units; a term 0·w adds exactly 0, so skipping it changes no bit).
     * {@code units} is scratch.
     */
    private static void dense(float[] h, int[] only, float[][] w, float[] b, float[] acc, int[] units) {
        // Compact the non-zero units first without a data-dependent branch (half of them are zero at
        // random: a branch per unit would mispredict half the time), then fold four rows per sweep.
        int c = 0;
        int m = only == null ? h.length : only.length;
        for (int t = 0; t < m; t++) {
            int u = only == null ? t : only[t];
            units[c] = u;
            c += h[u] != 0f ? 1 : 0;
        }
        java.util.Arrays.fill(acc, 0f);
        int t = 0;
        for (; t + 3 < c; t += 4) {
            int u0 = units[t];
            int u1 = units[t + 1];
            int u2 = units[t + 2];
            int u3 = units[t + 3];
            axpy4(acc, h[u0], w[u0], h[u1], w[u1], h[u2], w[u2], h[u3], w[u3]);
        }
        for (; t < c; t++) {
            axpy(acc, h[units[t]], w[units[t]]);
        }
        for (int j = 0; j < acc.length; j++) {
            acc[j] += b[j];
        }
    }

    private static void axpy4(float[] acc, float a0, float[] w0, float a1, float[] w1, float a2, float[] w2, float a3,
                              float[] w3) {
        for (int j = 0; j < acc.length; j++) {
            acc[j] = acc[j] + a0 * w0[j] + a1 * w1[j] + a2 * w2[j] + a3 * w3[j];
        }
    }

    private static void axpy(float[] acc, float a, float[] w) {
        for (int j = 0; j < acc.length; j++) {
            acc[j] += a * w[j];
        }
    }

    private static void relu(float[] a) {
        for (int j = 0; j < a.length; j++) {
            a[j] = Math.max(a[j], 0f);
        }
    }
}
