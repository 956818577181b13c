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

    /**
     * Images of one or several mask windows ([n, n] or [B, n, n]) through several kernel sets (e.g. a
     * focus series) in one batched pass: all kernels are stacked, one batched inverse FFT gives every
     * field, and a [set × kernel] weight matrix α_k / I_clear sums the intensities per set.
     *
     * @return [nz, n, n] for a single window, [B, nz, n, n] for B windows; float32
     */
    public static NDArray images(NDManager m, NDArray maskWins, SocsKernels[] sets) {
        int n = sets[0].setting().imagePx();
        boolean single = maskWins.getShape().dimension() == 2;
        int masks = single ? 1 : (int) maskWins.getShape().get(0);
        int total = 0;
        for (SocsKernels k : sets) {
            total += k.count();
        }
        float[] ker = new float[total * n * n * 2];
        float[] w = new float[sets.length * total];
        int at = 0;
        for (int i = 0; i < sets.length; i++) {
            SocsKernels k = sets[i];
            System.arraycopy(k.kernels(), 0, ker, at * n * n * 2, k.count() * n * n * 2);
            for (int j = 0; j < k.count(); j++) {
                w[i * total + at + j] = (float) (k.alpha()[j] / k.clearField());
            }
            at += k.count();
        }
        try (NDManager sub = m.newSubManager()) {
            sub.tempAttachAll(maskWins);
            NDArray phi = sub.create(ker, new Shape(total, n, n, 2)).complex();
            NDArray field = single ? maskWins.expandDims(0).mul(phi) : maskWins.expandDims(1).mul(phi.expandDims(0));
            int fa = single ? 1 : 2;
            field = field.ifft2(new long[] {n, n}, new long[] {fa, fa + 1});
            NDArray sq = field.real().square().reshape(single ? new Shape(total, 2L * n * n)
                    : new Shape(masks, total, 2L * n * n));
            NDArray img = sub.create(w, new Shape(sets.length, total)).matMul(sq);
            Shape out = single ? new Shape(sets.length, n, n, 2) : new Shape(masks, sets.length, n, n, 2);
            NDArray res = img.reshape(out).sum(new int[] {out.dimension() - 1});
            res.attach(m);
            return res;
        }
    }
}
