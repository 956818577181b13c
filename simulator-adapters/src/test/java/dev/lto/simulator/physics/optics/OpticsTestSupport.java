package dev.lto.simulator.physics.optics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Small helpers for imaging tests: gratings and one-call imaging to a Java array. */
final class OpticsTestSupport {

    private OpticsTestSupport() {
    }

    /** 1:1 binary grating along x, clear half-period first ([0, p/2) clear), N×N raster. */
    static float[] grating(int n, int periodPx) {
        float[] r = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                r[i * n + j] = (j % periodPx) < periodPx / 2 ? 1f : 0f;
            }
        }
        return r;
    }

    /** Image samples [n·n] (row-major) on the image grid. */
    static float[] image(float[] raster, int maskPx, OpticalSetting os, Source src) {
        try (NDManager m = Djl.newManager()) {
            NDArray win = Imaging.maskWindow(m, raster, maskPx, os.imagePx());
            return Imaging.abbe(m, win, os, src, 128).toFloatArray();
        }
    }

    /** The image as a band-limited function (exact values between samples). */
    static dev.lto.simulator.physics.resist.BandLimitedImage function(float[] raster, int maskPx, OpticalSetting os,
                                                                   Source src) {
        try (NDManager m = Djl.newManager()) {
            NDArray win = Imaging.maskWindow(m, raster, maskPx, os.imagePx());
            return dev.lto.simulator.physics.resist.BandLimitedImage.of(Imaging.abbe(m, win, os, src, 128), os.tileNm());
        }
    }

    static float[] socsImage(float[] raster, int maskPx, SocsKernels k, int kernels) {
        try (NDManager m = Djl.newManager()) {
            NDArray win = Imaging.maskWindow(m, raster, maskPx, k.setting().imagePx());
            return k.image(m, win, kernels).toFloatArray();
        }
    }

    static double rmse(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        }
        return Math.sqrt(s / a.length);
    }

    /** Complex Fourier coefficient magnitude of row 0 of an n×n image at frequency index k along x. */
    static double harmonic(float[] img, int n, int k) {
        double re = 0;
        double im = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double ph = -2 * Math.PI * k * j / n;
                re += img[i * n + j] * Math.cos(ph);
                im += img[i * n + j] * Math.sin(ph);
            }
        }
        return Math.hypot(re, im) / ((double) n * n);
    }

    static double max(float[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (float v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    static double min(float[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (float v : a) {
            m = Math.min(m, v);
        }
        return m;
    }
}
