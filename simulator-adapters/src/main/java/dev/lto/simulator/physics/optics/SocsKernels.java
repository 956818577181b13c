package dev.lto.simulator.physics.optics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Truncated Hopkins/SOCS kernels of one optical setting: I = Σ_k α_k |F⁻¹{M·φ_k}|² / I_clear.
 * Kernels live on the heap as interleaved float re/im [K][n][n] in unshifted FFT order, so the
 * cache can count their bytes exactly and nothing native outlives a job.
 *
 * @param alpha     eigenvalues α_k of the TCC, descending (all computed, not only the kept ones)
 * @param traceTcc  trace of the TCC, Σ_s w_s·(pupil samples), so that Σα_k/trace is the energy kept
 */
public record SocsKernels(OpticalSetting setting, int count, float[] kernels, double[] alpha, double traceTcc,
                          double clearField, int sourcePoints, double buildSeconds) {

    /** Fraction of the TCC's trace held by the first k kernels. */
    public double energyFraction(int k) {
        double s = 0;
        for (int i = 0; i < Math.min(k, alpha.length); i++) {
            s += alpha[i];
        }
        return s / traceTcc;
    }

    /**
     * Truncation error of the first k kernels on a clear field, |1 − Σ α_k|φ_k(0)|² / I_clear|: the
     * part of the open-frame intensity the dropped kernels carry. A cheap, mask-independent proxy
     * for the surrogate's image error when no audit measured it.
     */
    public double clearFieldError(int k) {
        int n = setting.imagePx();
        double sum = 0;
        for (int i = 0; i < Math.min(k, count); i++) {
            float re = kernels[(i * n * n) * 2];
            float im = kernels[(i * n * n) * 2 + 1];
            sum += alpha[i] * (re * re + im * im);
        }
        return Math.abs(1 - sum / clearField);
    }

    public long bytes() {
        return 4L * kernels.length + 8L * alpha.length + 64;
    }

    /** Image with the first k ≤ count kernels, [n, n] float32, normalised to the clear field. */
    public NDArray image(NDManager m, NDArray maskWin, int k) {
        int n = setting.imagePx();
        int kk = Math.min(k, count);
        float[] ker = kk == count ? kernels : java.util.Arrays.copyOf(kernels, kk * n * n * 2);
        NDArray phi = m.create(ker, new Shape(kk, n, n, 2)).complex();
        NDArray field = maskWin.mul(phi).ifft2(new long[] {n, n}, new long[] {1, 2});
        NDArray sq = field.real().square().reshape(kk, 2L * n * n);
        float[] a = new float[kk];
        for (int i = 0; i < kk; i++) {
            a[i] = (float) alpha[i];
        }
        NDArray img = m.create(a, new Shape(1, kk)).matMul(sq).reshape(n, n, 2).sum(new int[] {2});
        return img.div(clearField);
    }
}
