package dev.lto.simulator.physics.resist;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lto.simulator.physics.optics.ImagingGrid;

/**
 * A band-limited, L-periodic intensity held by its Fourier coefficients on the n×n image grid
 * (unshifted order). Because the intensity has no frequency above 2NA/λ < n/(2L), its value at any
 * point follows exactly from these coefficients: cut lines are evaluated at any sampling, the
 * resist blur is a multiplication here, and full-resolution images come from zero-padding.
 */
public final class BandLimitedImage {

    private final int n;
    private final double tileNm;
    private final double[] re;
    private final double[] im;

    private BandLimitedImage(int n, double tileNm, double[] re, double[] im) {
        this.n = n;
        this.tileNm = tileNm;
        this.re = re;
        this.im = im;
    }

    /** From an [n, n] float32 intensity on the image grid. */
    public static BandLimitedImage of(NDArray intensity, double tileNm) {
        int n = (int) intensity.getShape().get(0);
        float[] v = intensity.fft2(new long[] {n, n}, new long[] {0, 1}).real().toFloatArray();
        double[] re = new double[n * n];
        double[] im = new double[n * n];
        double s = 1.0 / ((double) n * n);
        for (int i = 0; i < n * n; i++) {
            re[i] = v[2 * i] * s;
            im[i] = v[2 * i + 1] * s;
        }
        return new BandLimitedImage(n, tileNm, re, im);
    }

    /** From a stack [..., n, n] of float32 intensities: one batched FFT, one copy to the heap. */
    public static BandLimitedImage[] ofAll(NDArray intensities, double tileNm) {
        Shape sh = intensities.getShape();
        int d = sh.dimension();
        int n = (int) sh.get(d - 1);
        int count = (int) (sh.size() / ((long) n * n));
        float[] v = intensities.fft2(new long[] {n, n}, new long[] {d - 2, d - 1}).real().toFloatArray();
        BandLimitedImage[] out = new BandLimitedImage[count];
        double s = 1.0 / ((double) n * n);
        for (int c = 0; c < count; c++) {
            double[] re = new double[n * n];
            double[] im = new double[n * n];
            int base = c * n * n;
            for (int i = 0; i < n * n; i++) {
                re[i] = v[2 * (base + i)] * s;
                im[i] = v[2 * (base + i) + 1] * s;
            }
            out[c] = new BandLimitedImage(n, tileNm, re, im);
        }
        return out;
    }

    public int imagePx() {
        return n;
    }

    public double tileNm() {
        return tileNm;
    }

    /** Mean intensity over the tile (the DC coefficient). */
    public double mean() {
        return re[0];
    }

    /**
     * Convolution with a normalised Gaussian of standard deviation {@code sigmaNm} (acid diffusion):
     * each coefficient is multiplied by exp(−2π²σ²|f|²).
     */
    public BandLimitedImage blurred(double sigmaNm) {
        if (sigmaNm <= 0) {
            return this;
        }
        double[] r2 = new double[n * n];
        double[] i2 = new double[n * n];
        for (int i = 0; i < n; i++) {
            double fy = ImagingGrid.freqIndex(i, n) / tileNm;
            for (int j = 0; j < n; j++) {
                double fx = ImagingGrid.freqIndex(j, n) / tileNm;
                double g = Math.exp(-2 * Math.PI * Math.PI * sigmaNm * sigmaNm * (fx * fx + fy * fy));
                r2[i * n + j] = re[i * n + j] * g;
                i2[i * n + j] = im[i * n + j] * g;
            }
        }
        return new BandLimitedImage(n, tileNm, r2, i2);
    }

    /** Samples I(x0 + k·h, y) for k = 0…count−1 (a cut along x at height y; nm). */
    public double[] lineX(double y, double x0, double h, int count) {
        return line(y, x0, h, count, false);
    }

    /** Samples I(x, y0 + k·h) (a cut along y at abscissa x). */
    public double[] lineY(double x, double y0, double h, int count) {
        return line(x, y0, h, count, true);
    }

    private double[] line(double fixed, double start, double h, int count, boolean alongY) {
        // Collapse the fixed coordinate first: c[k] = Σ_k' S[·]·e^{2πi k'·fixed/L}.
        double[] cr = new double[n];
        double[] ci = new double[n];
        for (int a = 0; a < n; a++) {
            double ph = 2 * Math.PI * ImagingGrid.freqIndex(a, n) * fixed / tileNm;
            double c = Math.cos(ph);
            double s = Math.sin(ph);
            for (int b = 0; b < n; b++) {
                int idx = alongY ? b * n + a : a * n + b; // a runs over the fixed axis' frequency
                double sr = re[idx];
                double si = im[idx];
                cr[b] += sr * c - si * s;
                ci[b] += sr * s + si * c;
            }
        }
        double[] out = new double[count];
        for (int k = 0; k < count; k++) {
            double x = start + k * h;
            double v = 0;
            for (int b = 0; b < n; b++) {
                double ph = 2 * Math.PI * ImagingGrid.freqIndex(b, n) * x / tileNm;
                v += cr[b] * Math.cos(ph) - ci[b] * Math.sin(ph);
            }
            out[k] = v;
        }
        return out;
    }

    /** Exact interpolation onto an N×N grid (N ≥ n) by zero-padding the coefficients; row-major, row = y. */
    public float[] upsample(NDManager m, int size) {
        float[] buf = new float[size * size * 2];
        for (int i = 0; i < n; i++) {
            int ki = ImagingGrid.freqIndex(i, n);
            if (2 * Math.abs(ki) >= size) {
                continue;
            }
            int row = Math.floorMod(ki, size);
            for (int j = 0; j < n; j++) {
                int kj = ImagingGrid.freqIndex(j, n);
                if (2 * Math.abs(kj) >= size) {
                    continue;
                }
                int col = Math.floorMod(kj, size);
                buf[(row * size + col) * 2] = (float) re[i * n + j];
                buf[(row * size + col) * 2 + 1] = (float) im[i * n + j];
            }
        }
        try (NDManager sub = m.newSubManager()) {
            NDArray spec = sub.create(buf, new Shape(size, size, 2)).complex();
            NDArray img = spec.ifft2(new long[] {size, size}, new long[] {0, 1}).real()
                    .get(new ai.djl.ndarray.index.NDIndex(":, :, 0")).mul((double) size * size);
            return img.toFloatArray();
        }
    }
}
