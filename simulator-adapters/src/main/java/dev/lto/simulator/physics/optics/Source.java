package dev.lto.simulator.physics.optics;

import java.util.ArrayList;
import java.util.List;

/**
 * Discrete Abbe source: points on a square lattice of pitch {@code stepSigma} (σ units, anchored at
 * the origin so that the sampled source stays point-symmetric) inside the illumination shape, equal
 * weights summing to 1. Coordinates sx, sy are in σ units; the pupil shift is f_s = s·NA/λ (1/nm).
 */
public record Source(IlluminationSpec spec, double stepSigma, double[] sx, double[] sy, double[] weight) {

    public int size() {
        return sx.length;
    }

    /** Largest |s| of any point (σ units). */
    public double maxRadius() {
        double m = 0;
        for (int i = 0; i < sx.length; i++) {
            m = Math.max(m, Math.hypot(sx[i], sy[i]));
        }
        return m;
    }

    /** A single on-axis point: the coherent limit. */
    public static Source coherent() {
        return new Source(IlluminationSpec.conventional(0), 1, new double[] {0}, new double[] {0}, new double[] {1});
    }

    /**
     * Samples the shape. If the lattice holds fewer than {@code minPoints} points (tiny poles, tiny
     * σ), the pitch is halved until it does or the pitch is below 1e-3; a disk smaller than one
     * pitch collapses to the on-axis point (coherent).
     */
    public static Source sample(IlluminationSpec spec, double stepSigma, int minPoints) {
        double step = stepSigma;
        while (true) {
            List<double[]> pts = new ArrayList<>();
            int m = (int) Math.ceil(spec.sigmaOuter() / step) + 1;
            for (int j = -m; j <= m; j++) {
                for (int i = -m; i <= m; i++) {
                    double x = i * step;
                    double y = j * step;
                    if (spec.contains(x, y)) {
                        pts.add(new double[] {x, y});
                    }
                }
            }
            boolean ringLike = spec.sigmaInner() > 0;
            if ((pts.size() >= minPoints || step < 1e-3) && !pts.isEmpty()) {
                return of(spec, step, pts);
            }
            if (!ringLike && spec.sigmaOuter() < step && pts.size() == 1) {
                return of(spec, step, pts);
            }
            step /= 2;
        }
    }

    private static Source of(IlluminationSpec spec, double step, List<double[]> pts) {
        int n = pts.size();
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = pts.get(i)[0];
            y[i] = pts.get(i)[1];
            w[i] = 1.0 / n;
        }
        return new Source(spec, step, x, y, w);
    }
}
