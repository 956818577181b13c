package dev.lto.simulator.physics.optics;

/**
 * Sampling of one tile: the mask is rasterised on {@code maskPx}² pixels over a periodic tile of
 * {@code tileNm}; the image is computed on a coarser {@code imagePx}² grid that still samples the
 * band-limited intensity above Nyquist, and interpolated (exactly, by Fourier padding) where needed.
 */
public record ImagingGrid(double tileNm, int maskPx, int imagePx) {

    public double maskPixelNm() {
        return tileNm / maskPx;
    }

    public double imagePixelNm() {
        return tileNm / imagePx;
    }

    /**
     * Smallest image grid that holds every field frequency, |f| ≤ (NA/λ)(1 + s_max), and samples
     * the intensity, band-limited to 2NA/λ, above Nyquist: n ≥ 2·L·max(2NA, NA(1 + s_max))/λ + 2.
     */
    public static int requiredImagePx(double tileNm, double na, double wavelengthNm, double sourceMaxRadius) {
        double fmax = Math.max(2 * na, na * (1 + sourceMaxRadius)) / wavelengthNm;
        return niceSize((int) Math.ceil(2 * tileNm * fmax) + 2);
    }

    public static ImagingGrid of(double tileNm, int maskPx, double na, double wavelengthNm, double sourceMaxRadius) {
        return new ImagingGrid(tileNm, maskPx, requiredImagePx(tileNm, na, wavelengthNm, sourceMaxRadius));
    }

    private static final int[] SMALL_PRIMES = {2, 3, 5};

    /** Smallest even integer ≥ min whose only prime factors are 2, 3 and 5 (fast FFT sizes). */
    public static int niceSize(int min) {
        for (int n = Math.max(2, min + (min & 1)); ; n += 2) {
            int m = n;
            for (int p : SMALL_PRIMES) {
                while (m % p == 0) {
                    m /= p;
                }
            }
            if (m == 1) {
                return n;
            }
        }
    }

    /** Frequency index of array position j in unshifted FFT order (0, 1, …, n/2−1, −n/2, …, −1). */
    public static int freqIndex(int j, int n) {
        return j < (n + 1) / 2 ? j : j - n;
    }
}
