package dev.lto.simulator.physics.optics;

import java.util.Locale;
import java.util.Map;

/**
 * Illumination shape in pupil coordinates normalised to NA/λ (σ units). Conventional is a disk of
 * radius {@code sigmaOuter}; annular a ring {@code sigmaInner..sigmaOuter}; dipole two ring sectors
 * on the x (or y) axis and quasar four sectors on the diagonals, each {@code 2·poleHalfAngleDeg}
 * wide. {@code CUSTOM_DISK} is the test-only disk whose radius may exceed 1 (incoherent limit).
 */
public record IlluminationSpec(Shape shape, double sigmaOuter, double sigmaInner, double poleHalfAngleDeg) {

    public enum Shape { CONVENTIONAL, ANNULAR, DIPOLE_X, DIPOLE_Y, QUASAR, CUSTOM_DISK }

    public IlluminationSpec {
        if (sigmaOuter < 0 || sigmaInner < 0 || sigmaInner > sigmaOuter) {
            throw new IllegalArgumentException("need 0 <= sigma_inner <= sigma_outer, got " + sigmaInner + ", " + sigmaOuter);
        }
        if (shape != Shape.CUSTOM_DISK && sigmaOuter > 1.0 + 1e-12) {
            throw new IllegalArgumentException("sigma must be <= 1, got " + sigmaOuter);
        }
    }

    public static IlluminationSpec conventional(double sigma) {
        return new IlluminationSpec(Shape.CONVENTIONAL, sigma, 0, 0);
    }

    /**
     * From the job: {@code sigma} is the outer radius; {@code metadata.illumination} picks the
     * shape (conventional | annular | dipole | dipole_x | dipole_y | quasar), {@code
     * metadata.sigma_inner} the inner radius (default 0.6·σ for annular, dipole and quasar) and
     * {@code metadata.pole_angle_deg} the full opening angle of a pole (default 40° dipole, 30° quasar).
     */
    public static IlluminationSpec fromJob(double sigma, Map<String, Object> metadata) {
        String name = String.valueOf(metadata.getOrDefault("illumination", "conventional")).toLowerCase(Locale.ROOT).trim();
        double inner = number(metadata.get("sigma_inner"), 0.6 * sigma);
        return switch (name) {
            case "conventional", "disk", "circular" -> conventional(sigma);
            case "annular" -> new IlluminationSpec(Shape.ANNULAR, sigma, Math.min(inner, sigma), 0);
            case "dipole", "dipole_x" -> new IlluminationSpec(Shape.DIPOLE_X, sigma, Math.min(inner, sigma),
                    number(metadata.get("pole_angle_deg"), 40.0) / 2);
            case "dipole_y" -> new IlluminationSpec(Shape.DIPOLE_Y, sigma, Math.min(inner, sigma),
                    number(metadata.get("pole_angle_deg"), 40.0) / 2);
            case "quasar" -> new IlluminationSpec(Shape.QUASAR, sigma, Math.min(inner, sigma),
                    number(metadata.get("pole_angle_deg"), 30.0) / 2);
            default -> throw new IllegalArgumentException("unknown illumination '" + name
                    + "' (conventional, annular, dipole, dipole_x, dipole_y, quasar)");
        };
    }

    private static double number(Object o, double dflt) {
        if (o == null) {
            return dflt;
        }
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        return Double.parseDouble(o.toString());
    }

    /** True when the source point (sx, sy) in σ units lies inside the shape. */
    public boolean contains(double sx, double sy) {
        double r = Math.hypot(sx, sy);
        double eps = 1e-9;
        if (r > sigmaOuter + eps || r < sigmaInner - eps) {
            return false;
        }
        double ang = Math.toDegrees(Math.atan2(sy, sx));
        return switch (shape) {
            case CONVENTIONAL, ANNULAR, CUSTOM_DISK -> true;
            case DIPOLE_X -> angularDistance(ang, 0) <= poleHalfAngleDeg || angularDistance(ang, 180) <= poleHalfAngleDeg;
            case DIPOLE_Y -> angularDistance(ang, 90) <= poleHalfAngleDeg || angularDistance(ang, -90) <= poleHalfAngleDeg;
            case QUASAR -> angularDistance(ang, 45) <= poleHalfAngleDeg || angularDistance(ang, 135) <= poleHalfAngleDeg
                    || angularDistance(ang, -45) <= poleHalfAngleDeg || angularDistance(ang, -135) <= poleHalfAngleDeg;
        };
    }

    private static double angularDistance(double a, double b) {
        double d = Math.abs(a - b) % 360;
        return d > 180 ? 360 - d : d;
    }

    /** Human-readable description echoed in the result, e.g. {@code annular(0.48-0.80)}. */
    public String describe() {
        return switch (shape) {
            case CONVENTIONAL -> String.format(Locale.ROOT, "conventional(sigma=%.3f)", sigmaOuter);
            case CUSTOM_DISK -> String.format(Locale.ROOT, "disk(sigma=%.3f)", sigmaOuter);
            case ANNULAR -> String.format(Locale.ROOT, "annular(%.3f-%.3f)", sigmaInner, sigmaOuter);
            default -> String.format(Locale.ROOT, "%s(%.3f-%.3f,%.0fdeg)", shape.name().toLowerCase(Locale.ROOT),
                    sigmaInner, sigmaOuter, 2 * poleHalfAngleDeg);
        };
    }
}
