package dev.lto.simulator.physics.optics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
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
     * exp(iΦ(f)), the circ softened at the rim by the source cell's passing share ({@link Source#pass}), with the exact defocus phase Φ = (2π/λ)·z·(1 − √(1 − (λ|f|)²)) (rad; z, λ in nm);
     * the phase is kept. Built on the heap in one pass (a dozen NDArray passes cost more) and
     * copied to the device once.
     */
    public static NDArray shiftedPupils(NDManager m, float[] fx, float[] fy, long[] dims, Source src, int from, int to,
                                        OpticalSetting os, boolean weighted) {
        int b = to - from;
        int f = fx.length;
        float[] buf = new float[b * f * 2];
        double fc = os.cutoff();
        double lam = os.wavelengthNm();
        double k = 2 * Math.PI / lam * os.defocusNm();
        for (int s = 0; s < b; s++) {
            double sx = src.sx()[from + s] * fc;
            double sy = src.sy()[from + s] * fc;
            double w = weighted ? Math.sqrt(src.weight()[from + s]) : 1.0;
            int base = s * f * 2;
            for (int i = 0; i < f; i++) {
                double pass = src.pass(from + s, fx[i] / fc, fy[i] / fc);
                if (pass > 0) {
                    double u = fx[i] + sx;
                    double v = fy[i] + sy;
                    double r2 = u * u + v * v;
                    double amp = w * pass;
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

    /** Clear-field intensity Σ_s w_s |P_s(0)|² (P_s: the soft pupil of {@link Source#pass}), the normalisation of every image. */
    public static double clearField(Source src, OpticalSetting os) {
        double sum = 0;
        for (int i = 0; i < src.size(); i++) {
            double p = src.pass(i, 0, 0);
            sum += src.weight()[i] * p * p;
        }
        return sum;
    }

    /**
     * Abbe: I(x) = Σ_s w_s |F⁻¹{M(f)·P(f + f_s)}|² / I_clear at the setting's focus. Returns [n, n] float32.
     * See {@link #abbe(NDManager, NDArray, OpticalSetting, double[], Source, int)}.
     */
    public static NDArray abbe(NDManager m, NDArray maskWin, OpticalSetting os, Source src, int batch) {
        int n = os.imagePx();
        return abbe(m, maskWin, os, new double[] {os.defocusNm()}, src, batch).reshape(n, n);
    }

    /**
     * Abbe images of one or several mask windows ([n, n] or [B, n, n], spectra of real masks as
     * {@link #maskWindow} gives them) at several focus values {@code zs} (nm) in one batched pass:
     * every (source point, focus) pair is one shifted, defocused pupil, the fields of a whole batch of
     * pairs come from one batched inverse FFT, and a [focus × pair] weight matrix sums their
     * intensities per focus. The exact identity I_{−s}(x; z) = I_s(x; −z) for a real mask (the field
     * of the mirrored source point is the complex conjugate of the field at opposite defocus) lets the
     * in-focus image (z = 0) use one point of each mirrored pair of a point-symmetric source with
     * double weight: half the FFTs, the same image. Pairs are processed in batches of at most
     * {@code batch}·(masks) fields, so memory stays at about 3·batch·n²·8 bytes.
     *
     * @return [nz, n, n] for a single window, [B, nz, n, n] for B windows; float32, clear field = 1
     */
    public static NDArray abbe(NDManager m, NDArray maskWins, OpticalSetting os, double[] zs, Source src, int batch) {
        int n = os.imagePx();
        boolean single = maskWins.getShape().dimension() == 2;
        int masks = single ? 1 : (int) maskWins.getShape().get(0);
        int nz = zs.length;
        float[][] f = frequencyGrid(os.tileNm(), n);
        int[] mirror = mirrors(src);
        int[] order = symmetricOrder(mirror);
        int half = mirror == null ? src.size() : representatives(mirror);
        int total = src.size();
        // Sources per chunk: every source contributes up to nz pairs, each pair one field per mask.
        int chunk = Math.max(1, batch / Math.max(1, masks * nz));
        NDArray acc = null;
        for (int from = 0; from < total; from += chunk) {
            int to = Math.min(total, from + chunk);
            int b = to - from;
            try (NDManager sub = m.newSubManager()) {
                sub.tempAttachAll(maskWins);
                int pairs = 0;
                int[] offset = new int[nz + 1];
                for (int zi = 0; zi < nz; zi++) {
                    boolean useHalf = zs[zi] == 0 && mirror != null;
                    offset[zi] = pairs;
                    pairs += useHalf ? Math.max(0, Math.min(to, half) - from) : b;
                }
                offset[nz] = pairs;
                if (pairs == 0) {
                    continue;
                }
                NDArray p = sub.create(pupilSeries(f[0], f[1], src, order, from, to, os, zs, offset),
                        new Shape(pairs, n, n, 2)).complex();                                   // [pairs, n, n]
                float[] w = new float[nz * pairs];
                for (int zi = 0; zi < nz; zi++) {
                    boolean useHalf = zs[zi] == 0 && mirror != null;
                    for (int j = offset[zi]; j < offset[zi + 1]; j++) {
                        int s = order == null ? from + j - offset[zi] : order[from + j - offset[zi]];
                        double ws = src.weight()[s];
                        w[zi * pairs + j] = (float) (useHalf && mirror[s] != s ? 2 * ws : ws);
                    }
                }
                NDArray win = single ? maskWins.expandDims(0) : maskWins.expandDims(1);     // [1|B, (1,) n, n]
                NDArray field = single ? win.mul(p) : win.mul(p.expandDims(0));
                int fa = single ? 1 : 2;
                field = field.ifft2(new long[] {n, n}, new long[] {fa, fa + 1});
                NDArray sq = field.real().square().reshape(single ? new Shape(pairs, 2L * n * n)
                        : new Shape(masks, pairs, 2L * n * n));
                NDArray part = sub.create(w, new Shape(nz, pairs)).matMul(sq);              // [(B,) nz, 2n²]
                part.attach(m);
                if (acc == null) {
                    acc = part;
                } else {
                    NDArray old = acc;
                    acc = acc.add(part);
                    old.close();
                    part.close();
                }
            }
        }
        Shape out = single ? new Shape(nz, n, n, 2) : new Shape(masks, nz, n, n, 2);
        return acc.reshape(out).sum(new int[] {out.dimension() - 1}).div(clearField(src, os));
    }

    /**
     * For each source point the index of its mirror −s with the same weight, or null when the source
     * is not point-symmetric (then no symmetry is used).
     */
    static int[] mirrors(Source src) {
        int s = src.size();
        java.util.HashMap<Long, Integer> at = new java.util.HashMap<>();
        for (int i = 0; i < s; i++) {
            at.put(key(src.sx()[i], src.sy()[i]), i);
        }
        int[] mirror = new int[s];
        for (int i = 0; i < s; i++) {
            Integer j = at.get(key(-src.sx()[i], -src.sy()[i]));
            if (j == null || Math.abs(src.sx()[j] + src.sx()[i]) > 1e-12 || Math.abs(src.sy()[j] + src.sy()[i]) > 1e-12
                    || src.weight()[j] != src.weight()[i]) {
                return null;
            }
            mirror[i] = j;
        }
        return mirror;
    }

    private static long key(double x, double y) {
        return Math.round(x * 1e9) * 4_000_000_019L + Math.round(y * 1e9);
    }

    /** Number of representatives (one per mirrored pair, plus self-mirrored points). */
    static int representatives(int[] mirror) {
        int c = 0;
        for (int i = 0; i < mirror.length; i++) {
            if (mirror[i] >= i) {
                c++;
            }
        }
        return c;
    }

    /** Source indices with the representatives first (identity when there is no symmetry). */
    static int[] symmetricOrder(int[] mirror) {
        if (mirror == null) {
            return null;
        }
        int[] order = new int[mirror.length];
        int c = 0;
        for (int i = 0; i < mirror.length; i++) {
            if (mirror[i] >= i) {
                order[c++] = i;
            }
        }
        for (int i = 0; i < mirror.length; i++) {
            if (mirror[i] < i) {
                order[c++] = i;
            }
        }
        return order;
    }

    /**
     * Shifted, defocused pupils P(f + f_s)·exp(iΦ_z) for source points order[from..to) and every focus
     * z_i, written z-major (pairs offset[i]..offset[i+1] of focus i take the first of those sources) as
     * interleaved complex64 [pairs][f], each scaled by the source cell's passing share at the pupil rim
     * ({@link Source#pass}). The geometry 1 − √(1 − (λ|f + f_s|)²) is computed once per
     * sample and shared by all focus values; only samples inside the pupil are touched.
     */
    static float[] pupilSeries(float[] fx, float[] fy, Source src, int[] order, int from, int to, OpticalSetting os,
                               double[] zs, int[] offset) {
        int b = to - from;
        int f = fx.length;
        int nz = zs.length;
        float[] buf = new float[offset[nz] * f * 2];
        double fc = os.cutoff();
        double lam = os.wavelengthNm();
        double lam2 = lam * lam;
        double[] k = new double[nz];
        int[] cnt = new int[nz];
        boolean anyDefocus = false;
        for (int zi = 0; zi < nz; zi++) {
            k[zi] = 2 * Math.PI / lam * zs[zi];
            cnt[zi] = offset[zi + 1] - offset[zi];
            anyDefocus |= k[zi] != 0;
        }
        for (int s = 0; s < b; s++) {
            int idx = order == null ? from + s : order[from + s];
            double sx = src.sx()[idx] * fc;
            double sy = src.sy()[idx] * fc;
            for (int i = 0; i < f; i++) {
                double pass = src.pass(idx, fx[i] / fc, fy[i] / fc);
                if (pass == 0) {
                    continue;
                }
                double u = fx[i] + sx;
                double v = fy[i] + sy;
                double r2 = u * u + v * v;
                double g = anyDefocus ? 1 - Math.sqrt(Math.max(0, 1 - lam2 * r2)) : 0;
                for (int zi = 0; zi < nz; zi++) {
                    if (s >= cnt[zi]) {
                        continue;
                    }
                    int o = ((offset[zi] + s) * f + i) * 2;
                    if (k[zi] == 0) {
                        buf[o] = (float) pass;
                    } else {
                        double ph = k[zi] * g;
                        buf[o] = (float) (pass * Math.cos(ph));
                        buf[o + 1] = (float) (pass * Math.sin(ph));
                    }
                }
            }
        }
        return buf;
    }

    /** Source points one Abbe image at focus z actually propagates (half a point-symmetric source in focus). */
    public static int effectiveSourcePoints(Source src, double z) {
        int[] mirror = z == 0 ? mirrors(src) : null;
        return mirror == null ? src.size() : representatives(mirror);
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
