package dev.lto.simulator.physics.optics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar imaging on DJL NDArrays (complex64). Conventions: the tile is periodic with period L; the
 * mask spectrum holds Fourier-series coefficients c_k = (1/N²)·Σ m·e^{−2πi k·x/L}; arrays are in
 * unshifted FFT order; the mask window is stored pre-multiplied by n² so that the field is
 * E = ifft2(n²·c·P) (torch's ifft2 divides by n²) and a clear mask (c_0 = 1) gives |E| = |P(f_s)| = 1.
 */
public final class Imaging {

    private Imaging() {
    }

    /**
     * Low-frequency n×n window of the mask's spectrum (complex64), scaled by n²/N² so that
     * {@code ifft2} on the window yields the field directly. Frequencies the mask raster cannot
     * hold (|k| ≥ N/2) are zero: a raster coarser than the image grid is band-limited by its pixel.
     * Raster values are pixel averages over [j·dx, (j+1)·dx) while the DFT places them at j·dx, so
     * the window is shifted back by half a pixel (phase e^{−iπk/N} per axis) to keep features where
     * they were drawn.
     */
    public static NDArray maskWindow(NDManager m, float[] raster, int maskPx, int imagePx) {
        int nn = maskPx;
        int n = imagePx;
        NDArray mask = m.create(raster, new Shape(nn, nn));
        NDArray spec = mask.fft2(new long[] {nn, nn}, new long[] {0, 1});
        long[] idx = new long[n * n];
        float[] factor = new float[n * n * 2];
        double scale = (double) n * n / ((double) nn * nn);
        for (int i = 0; i < n; i++) {
            int ki = ImagingGrid.freqIndex(i, n);
            for (int j = 0; j < n; j++) {
                int kj = ImagingGrid.freqIndex(j, n);
                boolean ok = 2 * Math.abs(ki) < nn && 2 * Math.abs(kj) < nn;
                idx[i * n + j] = ok ? (long) Math.floorMod(ki, nn) * nn + Math.floorMod(kj, nn) : 0;
                double ph = -Math.PI * (ki + kj) / nn;
                factor[2 * (i * n + j)] = ok ? (float) (scale * Math.cos(ph)) : 0f;
                factor[2 * (i * n + j) + 1] = ok ? (float) (scale * Math.sin(ph)) : 0f;
            }
        }
        NDArray win = spec.flatten().take(m, m.create(idx)).reshape(n, n);
        return win.mul(m.create(factor, new Shape(n, n, 2)).complex());
    }

    /** Spatial frequencies (1/nm) of the n×n window, row-major: [0] = f_x (varies along columns), [1] = f_y. */
    public static float[][] frequencyGrid(double tileNm, int n) {
        float[] fx = new float[n * n];
        float[] fy = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                fx[i * n + j] = (float) (ImagingGrid.freqIndex(j, n) / tileNm);
                fy[i * n + j] = (float) (ImagingGrid.freqIndex(i, n) / tileNm);
            }
        }
        return new float[][] {fx, fy};
    }

    /**
     * Shifted pupils P(f + f_s) for source points [from, to) at the frequencies (fx, fy) (1/nm);
     * result [to − from, dims…] complex64, optionally weighted by √w_s. P(f) = circ(|f| ≤ NA/λ)·
     * exp(iΦ(f)) with the exact defocus phase Φ = (2π/λ)·z·(1 − √(1 − (λ|f|)²)) (rad; z, λ in nm);
     * the phase is kept. Built on the heap in one pass (a dozen NDArray passes cost more) and
     * copied to the device once.
     */
    public static NDArray shiftedPupils(NDManager m, float[] fx, float[] fy, long[] dims, Source src, int from, int to,
                                        OpticalSetting os, boolean weighted) {
        int b = to - from;
        int f = fx.length;
        float[] buf = new float[b * f * 2];
        double fc = os.cutoff();
        double r2max = fc * fc * (1 + 1e-6); // inclusive rim, so that σ = 1 keeps the DC order
        double lam = os.wavelengthNm();
        double k = 2 * Math.PI / lam * os.defocusNm();
        for (int s = 0; s < b; s++) {
            double sx = src.sx()[from + s] * fc;
            double sy = src.sy()[from + s] * fc;
            double amp = weighted ? Math.sqrt(src.weight()[from + s]) : 1.0;
            int base = s * f * 2;
            for (int i = 0; i < f; i++) {
                double u = fx[i] + sx;
                double v = fy[i] + sy;
                double r2 = u * u + v * v;
                if (r2 <= r2max) {
                    if (k == 0) {
                        buf[base + 2 * i] = (float) amp;
                    } else {
                        double phase = k * (1 - Math.sqrt(Math.max(0, 1 - lam * lam * r2)));
                        buf[base + 2 * i] = (float) (amp * Math.cos(phase));
                        buf[base + 2 * i + 1] = (float) (amp * Math.sin(phase));
                    }
                }
            }
        }
        long[] shape = new long[dims.length + 2];
        shape[0] = b;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        shape[shape.length - 1] = 2;
        return m.create(buf, new Shape(shape)).complex();
    }

    /** Clear-field intensity Σ_s w_s |P(f_s)|², the normalisation of every image. */
    public static double clearField(Source src, OpticalSetting os) {
        double sum = 0;
        for (int i = 0; i < src.size(); i++) {
            if (Math.hypot(src.sx()[i], src.sy()[i]) <= 1 + 1e-6) {
                sum += src.weight()[i];
            }
        }
        return sum;
    }

    /**
     * Abbe: I(x) = Σ_s w_s |F⁻¹{M(f)·P(f + f_s)}|² / I_clear, source points in batches of
     * {@code batch} so that memory stays at batch·n²·8 bytes. Returns [n, n] float32.
     */
    public static NDArray abbe(NDManager m, NDArray maskWin, OpticalSetting os, Source src, int batch) {
        int n = os.imagePx();
        float[][] f = frequencyGrid(os.tileNm(), n);
        NDArray acc = m.zeros(new Shape(1, 2L * n * n));
        for (int from = 0; from < src.size(); from += batch) {
            int to = Math.min(src.size(), from + batch);
            try (NDManager sub = m.newSubManager()) {
                // Results of an op belong to its input's manager: borrow the input so that every
                // intermediate of this batch is freed when the batch ends.
                sub.tempAttachAll(maskWin);
                NDArray p = shiftedPupils(sub, f[0], f[1], new long[] {n, n}, src, from, to, os, false);
                NDArray field = maskWin.mul(p).ifft2(new long[] {n, n}, new long[] {1, 2});
                NDArray sq = field.real().square().reshape(to - from, 2L * n * n);
                float[] w = new float[to - from];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) src.weight()[from + i];
                }
                NDArray part = sub.create(w, new Shape(1, w.length)).matMul(sq);
                part.attach(m);
                acc = acc.add(part);
            }
        }
        return acc.reshape(n, n, 2).sum(new int[] {2}).div(clearField(src, os));
    }

    /** Floating-point operations of one Abbe image (pupil ≈ 20, product 6, FFT 5·log₂(n²), |E|² 3 per sample). */
    public static double abbeFlops(int sourcePoints, int n) {
        double n2 = (double) n * n;
        return sourcePoints * n2 * (20 + 6 + 5 * log2(n2) + 3 + 2);
    }

    /** Floating-point operations of one SOCS image with K kernels. */
    public static double socsFlops(int kernels, int n) {
        double n2 = (double) n * n;
        return kernels * n2 * (6 + 5 * log2(n2) + 3 + 2);
    }

    /** Complex FFT of N² samples, ≈ 5·N²·log₂(N²) flops. */
    public static double fftFlops(int size) {
        double n2 = (double) size * size;
        return 5 * n2 * log2(n2);
    }

    static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
