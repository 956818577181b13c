package dev.lto.simulator.physics.mask;

/** Axis-aligned rectangle on the wafer, nm, [x0, x1) × [y0, y1). */
public record Rect(double x0, double y0, double x1, double y1) {

    public static Rect centered(double cx, double cy, double w, double h) {
        return new Rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    /** Grown by d/2 on every side (d < 0 shrinks), as a uniform mask bias of d in width and height. */
    public Rect biased(double d) {
        return new Rect(x0 - d / 2, y0 - d / 2, x1 + d / 2, y1 + d / 2);
    }

    public Rect shifted(double dx, double dy) {
        return new Rect(x0 + dx, y0 + dy, x1 + dx, y1 + dy);
    }

    public boolean overlaps(Rect o, double gap) {
        return x0 < o.x1 + gap && o.x0 < x1 + gap && y0 < o.y1 + gap && o.y0 < y1 + gap;
    }
}
