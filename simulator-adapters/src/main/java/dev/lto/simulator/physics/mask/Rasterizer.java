package dev.lto.simulator.physics.mask;

/**
 * Amplitude transmission of a layout on an N×N pixel grid with exact area coverage of every
 * rectangle (separable: coverage_x·coverage_y), so that edges keep sub-pixel positions and a mask
 * bias smaller than a pixel still moves the image. Rectangles wrap around the periodic tile.
 */
public final class Rasterizer {

    private Rasterizer() {
    }

    /** Row-major float[N·N], row = y. Clear = 1, opaque = 0. */
    public static float[] rasterize(MaskLayout layout, int n) {
        double px = layout.tileNm() / n;
        float[] cov = new float[n * n];
        double[] cx = new double[n];
        double[] cy = new double[n];
        int[] cols = new int[n];
        for (Rect r : layout.features()) {
            coverage(r.x0() / px, r.x1() / px, n, cx);
            coverage(r.y0() / px, r.y1() / px, n, cy);
            // Only the columns the rectangle touches (a 2048² ArF raster of thin lines visited every
            // column of every covered row before): the same pixel updates in the same order.
            int nc = 0;
            for (int j = 0; j < n; j++) {
                if (cx[j] != 0) {
                    cols[nc++] = j;
                }
            }
            for (int i = 0; i < n; i++) {
                if (cy[i] == 0) {
                    continue;
                }
                int row = i * n;
                for (int k = 0; k < nc; k++) {
                    int j = cols[k];
                    cov[row + j] = (float) Math.min(1.0, cov[row + j] + cy[i] * cx[j]);
                }
            }
        }
        if (!layout.darkField()) {
            for (int i = 0; i < cov.length; i++) {
                cov[i] = 1f - cov[i];
            }
        }
        return cov;
    }

    /** Fraction of each pixel [j, j+1) covered by [a, b) (pixel units), wrapped modulo n. */
    static void coverage(double a, double b, int n, double[] out) {
        java.util.Arrays.fill(out, 0);
        if (b - a >= n) {
            java.util.Arrays.fill(out, 1);
            return;
        }
        int j0 = (int) Math.floor(a);
        int j1 = (int) Math.ceil(b);
        for (int j = j0; j < j1; j++) {
            double c = Math.min(b, j + 1) - Math.max(a, j);
            if (c > 0) {
                out[Math.floorMod(j, n)] += c;
            }
        }
    }
}
