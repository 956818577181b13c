package dev.lto.simulator.physics.optics;

import java.util.ArrayList;
import java.util.List;

/**
 * Discrete Abbe source. Points sit on a square lattice of pitch {@code stepSigma} (σ units, anchored
 * at the origin so that the sampled source stays point-symmetric); each point stands for its lattice
 * cell, the square of side {@code stepSigma} around it, and weighs the exact area of that cell inside
 * the illumination shape ({@link SourceCells}), normalised to Σw = 1. Cells with no area are
 * dropped. The pupil a point sees is soft at the rim: {@link #pass} gives the share of the point's
 * cell (inside the shape) whose shifted pupil passes a frequency, so a partially passing cell
 * contributes its exact share instead of all or nothing. Together the two remove the staircase in F
 * (the share of the source whose first diffraction order enters the pupil; PHYSICS.md "Source
 * sampling"): F = Σ_s w_s·pass_s(f) is the exact area integral.
 *
 * <p>Coordinates sx, sy are in σ units; the pupil shift is f_s = s·NA/λ (1/nm). {@code cellArea} is
 * null for point sources (the coherent limit, test sources): then the pupil is a hard disk.
 */
public record Source(IlluminationSpec spec, double stepSigma, double[] sx, double[] sy, double[] weight,
                     double[] cellArea) {

    /** Pupil radius tolerance of point sources: inclusive rim, so that σ = 1 keeps the DC order. */
    static final double RIM = 1e-6;

    public int size() {
        return sx.length;
    }

    /**
     * Largest radius the source covers (σ units): the shape's outer radius for cell sources (cells
     * reach it exactly), else the farthest point.
     */
    public double maxRadius() {
        if (cellArea != null) {
            return spec.sigmaOuter();
        }
        double m = 0;
        for (int i = 0; i < sx.length; i++) {
            m = Math.max(m, Math.hypot(sx[i], sy[i]));
        }
        return m;
    }

    /**
     * Amplitude with which point i's pupil passes the frequency (fx, fy) (σ units, i.e. f·λ/NA): the
     * share of the point's cell inside the shape for which |s + f| ≤ 1 (exact area ratio; 1 or 0 away
     * from the pupil rim). Point sources: 1 inside the (inclusive) rim, else 0.
     */
    public double pass(int i, double fx, double fy) {
        double u = sx[i] + fx;
        double v = sy[i] + fy;
        double d2 = u * u + v * v;
        if (cellArea == null) {
            return d2 <= 1 + RIM ? 1 : 0;
        }
        // A cell of half-side a lies within a·√2 of its centre.
        double reach = 0.5 * stepSigma * Math.sqrt(2);
        if (d2 <= (1 - reach) * (1 - reach)) {
            return 1;
        }
        if (d2 >= (1 + reach) * (1 + reach)) {
            return 0;
        }
        double a = SourceCells.area(spec, sx[i], sy[i], 0.5 * stepSigma, -fx, -fy, 1.0);
        return Math.min(1, a / cellArea[i]);
    }

    /** A single on-axis point: the coherent limit. */
    public static Source coherent() {
        return new Source(IlluminationSpec.conventional(0), 1, new double[] {0}, new double[] {0}, new double[] {1},
                null);
    }

    /** Cells whose area inside the shape is below this share of a full cell are dropped (rounding). */
    static final double MIN_CELL_SHARE = 1e-12;

    /**
     * Samples the shape with area-weighted lattice cells. If fewer than {@code minPoints} cells touch
     * the shape (tiny poles, tiny σ), the pitch is halved until they do or the pitch is below 1e-3;
     * a disk inside the central cell stays one on-axis point whose cell is the whole disk (its soft
     * pupil still integrates the disk exactly).
     */
    public static Source sample(IlluminationSpec spec, double stepSigma, int minPoints) {
        double step = stepSigma;
        while (true) {
            double a = step / 2;
            int m = (int) Math.ceil(spec.sigmaOuter() / step) + 1;
            List<double[]> pts = new ArrayList<>();
            for (int j = -m; j <= m; j++) {
                for (int i = -m; i <= m; i++) {
                    // Compute one cell of each mirrored pair and copy it to the other: the weights
                    // of s and −s must be bit-identical (Imaging.mirrors halves in-focus images).
                    if (j < 0 || (j == 0 && i < 0)) {
                        continue;
                    }
                    double area = SourceCells.area(spec, i * step, j * step, a);
                    if (area > MIN_CELL_SHARE * step * step) {
                        pts.add(new double[] {i * step, j * step, area});
                        if (i != 0 || j != 0) {
                            pts.add(new double[] {-i * step, -j * step, area});
                        }
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

    /**
     * The plain lattice of earlier versions: points whose centre lies inside the shape, equal weights,
     * hard pupil rim. Kept for the incoherent-limit test, whose test-only disk (σ = 2.5) reaches past
     * the pupil: there the soft rim's rank-one amplitude (pass_s(f)·pass_s(f′) for the cell's true
     * joint share) under-counts the cells the f = 0 pupil rim cuts in the clear-field term, which for
     * σ ≤ 1 never happens (the whole shape lies inside the f = 0 pupil, pass = 1).
     */
    public static Source sampleCentres(IlluminationSpec spec, double stepSigma) {
        List<double[]> pts = new ArrayList<>();
        int m = (int) Math.ceil(spec.sigmaOuter() / stepSigma) + 1;
        for (int j = -m; j <= m; j++) {
            for (int i = -m; i <= m; i++) {
                if (spec.contains(i * stepSigma, j * stepSigma)) {
                    pts.add(new double[] {i * stepSigma, j * stepSigma});
                }
            }
        }
        int n = pts.size();
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = pts.get(i)[0];
            y[i] = pts.get(i)[1];
            w[i] = 1.0 / n;
        }
        return new Source(spec, stepSigma, x, y, w, null);
    }

    private static Source of(IlluminationSpec spec, double step, List<double[]> pts) {
        // Row-major order (y, then x) as the lattice scan of earlier versions, for stable batching.
        pts.sort((p, q) -> p[1] != q[1] ? Double.compare(p[1], q[1]) : Double.compare(p[0], q[0]));
        int n = pts.size();
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        double[] area = new double[n];
        double total = 0;
        for (double[] p : pts) {
            total += p[2];
        }
        for (int i = 0; i < n; i++) {
            x[i] = pts.get(i)[0];
            y[i] = pts.get(i)[1];
            area[i] = pts.get(i)[2];
            w[i] = area[i] / total;
        }
        return new Source(spec, step, x, y, w, area);
    }
}
