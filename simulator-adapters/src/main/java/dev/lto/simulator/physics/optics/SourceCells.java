package dev.lto.simulator.physics.optics;

/**
 * Exact areas of source-lattice cells inside the illumination shape, and inside the shape and a
 * (shifted) pupil disk. Every shape is a union of disjoint ring sectors: a convex wedge (the
 * intersection of two half-planes through the origin, or the whole plane) intersected with the
 * annulus σ_in ≤ |s| ≤ σ_out. A cell is a square, so cell ∩ wedge is a convex polygon and its
 * intersection with a disk has a closed form (sum over the polygon's edges of the signed area of
 * triangle(centre, edge) ∩ disk). With a second disk (the pupil) the region is bounded by two
 * circles; the polygon is then split into quadrants only where both circles cross it, down to
 * {@link #MAX_DEPTH} levels (leaf area 4^-10 of a cell), so the result is exact to ≲ 1e-6 of a cell.
 * All lengths in σ units.
 */
public final class SourceCells {

    /** Quadtree depth for cells crossed by two circles (source rim and pupil rim). */
    static final int MAX_DEPTH = 10;

    private SourceCells() {
    }

    /** Area of the square [cx ± a] × [cy ± a] inside the shape. */
    public static double area(IlluminationSpec spec, double cx, double cy, double a) {
        return area(spec, cx, cy, a, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * Area of the square [cx ± a] × [cy ± a] inside the shape and inside the disk of radius
     * {@code pr} centred at (px, py) (NaN radius: no disk).
     */
    public static double area(IlluminationSpec spec, double cx, double cy, double a, double px, double py, double pr) {
        double[][] square = {{cx - a, cx + a, cx + a, cx - a}, {cy - a, cy - a, cy + a, cy + a}};
        double total = 0;
        for (double[][] wedge : wedges(spec)) {
            double[][] poly = square;
            for (double[] h : wedge) {
                poly = clip(poly, h[0], h[1], h[2]);
            }
            if (poly[0].length < 3) {
                continue;
            }
            total += twoDisks(poly, 0, 0, spec.sigmaOuter(), px, py, pr, 0);
            if (spec.sigmaInner() > 0) {
                total -= twoDisks(poly, 0, 0, spec.sigmaInner(), px, py, pr, 0);
            }
        }
        return Math.max(0, total);
    }

    /**
     * The shape's wedges as lists of half-planes {nx, ny, c} (kept: nx·x + ny·y ≥ c). One empty
     * list is the whole plane (conventional, annular, and poles wide enough to merge into a ring).
     */
    static double[][][] wedges(IlluminationSpec spec) {
        double half = spec.poleHalfAngleDeg();
        double[] centres = switch (spec.shape()) {
            case CONVENTIONAL, ANNULAR, CUSTOM_DISK -> null;
            case DIPOLE_X -> half >= 90 ? null : new double[] {0, 180};
            case DIPOLE_Y -> half >= 90 ? null : new double[] {90, -90};
            case QUASAR -> half >= 45 ? null : new double[] {45, 135, -45, -135};
        };
        if (centres == null) {
            return new double[][][] {{}};
        }
        double[][][] out = new double[centres.length][][];
        for (int i = 0; i < centres.length; i++) {
            double lo = Math.toRadians(centres[i] - half);
            double hi = Math.toRadians(centres[i] + half);
            // Left of the ray at angle lo and right of the ray at angle hi (opening 2·half < 180°).
            out[i] = new double[][] {{-Math.sin(lo), Math.cos(lo), 0}, {Math.sin(hi), -Math.cos(hi), 0}};
        }
        return out;
    }

    /** Sutherland–Hodgman clip of a convex polygon (rows x, y) to the half-plane nx·x + ny·y ≥ c. */
    static double[][] clip(double[][] p, double nx, double ny, double c) {
        int n = p[0].length;
        double[] ox = new double[2 * n + 2];
        double[] oy = new double[2 * n + 2];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            double xi = p[0][i];
            double yi = p[1][i];
            double xj = p[0][j];
            double yj = p[1][j];
            double di = nx * xi + ny * yi - c;
            double dj = nx * xj + ny * yj - c;
            if (di >= 0) {
                ox[m] = xi;
                oy[m++] = yi;
            }
            if ((di >= 0) != (dj >= 0)) {
                double t = di / (di - dj);
                ox[m] = xi + t * (xj - xi);
                oy[m++] = yi + t * (yj - yi);
            }
        }
        return new double[][] {java.util.Arrays.copyOf(ox, m), java.util.Arrays.copyOf(oy, m)};
    }

    /** Area of a convex polygon ∩ disk(c1, r1) ∩ disk(c2, r2) (r2 NaN: no second disk). */
    static double twoDisks(double[][] p, double x1, double y1, double r1, double x2, double y2, double r2, int depth) {
        int n = p[0].length;
        if (n < 3) {
            return 0;
        }
        if (Double.isNaN(r2)) {
            return polyDisk(p, x1, y1, r1);
        }
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            minX = Math.min(minX, p[0][i]);
            maxX = Math.max(maxX, p[0][i]);
            minY = Math.min(minY, p[1][i]);
            maxY = Math.max(maxY, p[1][i]);
        }
        if (outside(minX, maxX, minY, maxY, x1, y1, r1) || outside(minX, maxX, minY, maxY, x2, y2, r2)) {
            return 0;
        }
        boolean in1 = inside(p, x1, y1, r1);
        boolean in2 = inside(p, x2, y2, r2);
        if (in1 && in2) {
            return polyArea(p);
        }
        if (in2) {
            return polyDisk(p, x1, y1, r1);
        }
        if (in1) {
            return polyDisk(p, x2, y2, r2);
        }
        if (depth >= MAX_DEPTH) {
            double a = polyArea(p);
            return a <= 0 ? 0 : polyDisk(p, x1, y1, r1) * polyDisk(p, x2, y2, r2) / a;
        }
        double mx = 0.5 * (minX + maxX);
        double my = 0.5 * (minY + maxY);
        double sum = 0;
        for (int sx = -1; sx <= 1; sx += 2) {
            double[][] half = clip(p, sx, 0, sx * mx);
            for (int sy = -1; sy <= 1; sy += 2) {
                sum += twoDisks(clip(half, 0, sy, sy * my), x1, y1, r1, x2, y2, r2, depth + 1);
            }
        }
        return sum;
    }

    private static boolean outside(double minX, double maxX, double minY, double maxY, double cx, double cy,
                                   double r) {
        double dx = Math.max(0, Math.max(minX - cx, cx - maxX));
        double dy = Math.max(0, Math.max(minY - cy, cy - maxY));
        return dx * dx + dy * dy >= r * r;
    }

    private static boolean inside(double[][] p, double cx, double cy, double r) {
        for (int i = 0; i < p[0].length; i++) {
            double dx = p[0][i] - cx;
            double dy = p[1][i] - cy;
            if (dx * dx + dy * dy > r * r) {
                return false;
            }
        }
        return true;
    }

    /** Shoelace area of a polygon (absolute value). */
    static double polyArea(double[][] p) {
        double s = 0;
        int n = p[0].length;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            s += p[0][i] * p[1][j] - p[0][j] * p[1][i];
        }
        return Math.abs(0.5 * s);
    }

    /**
     * Exact area of a polygon ∩ disk: Σ over edges of the signed area of triangle(centre, edge) ∩
     * disk; each edge is split at its crossings with the circle, pieces inside contribute their
     * triangle, pieces outside the circular sector they subtend.
     */
    static double polyDisk(double[][] p, double cx, double cy, double r) {
        int n = p[0].length;
        double s = 0;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            s += triangleDisk(p[0][i] - cx, p[1][i] - cy, p[0][j] - cx, p[1][j] - cy, r);
        }
        return Math.abs(s);
    }

    static double triangleDisk(double ax, double ay, double bx, double by, double r) {
        double dx = bx - ax;
        double dy = by - ay;
        double a = dx * dx + dy * dy;
        if (a == 0) {
            return 0;
        }
        double b = 2 * (ax * dx + ay * dy);
        double c = ax * ax + ay * ay - r * r;
        double disc = b * b - 4 * a * c;
        double[] ts = {0, 1, 1, 1};
        int k = 1;
        if (disc > 0) {
            double sq = Math.sqrt(disc);
            double t1 = (-b - sq) / (2 * a);
            double t2 = (-b + sq) / (2 * a);
            if (t1 > 0 && t1 < 1) {
                ts[k++] = t1;
            }
            if (t2 > 0 && t2 < 1) {
                ts[k++] = t2;
            }
        }
        ts[k++] = 1;
        double sum = 0;
        for (int i = 0; i + 1 < k; i++) {
            double px = ax + ts[i] * dx;
            double py = ay + ts[i] * dy;
            double qx = ax + ts[i + 1] * dx;
            double qy = ay + ts[i + 1] * dy;
            double mx = 0.5 * (px + qx);
            double my = 0.5 * (py + qy);
            double cross = px * qy - py * qx;
            if (mx * mx + my * my <= r * r) {
                sum += 0.5 * cross;
            } else {
                sum += 0.5 * r * r * Math.atan2(cross, px * qx + py * qy);
            }
        }
        return sum;
    }
}
