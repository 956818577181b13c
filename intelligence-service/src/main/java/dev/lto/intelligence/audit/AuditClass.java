package dev.lto.intelligence.audit;

import dev.lto.contracts.JobParameters;
import java.util.Locale;
import java.util.Map;

/**
 * The job class a surrogate audit is trended under: the contract's {@code job_class} (a pattern of
 * the adapter's catalogue: family and k₁) and the illumination shape ({@code metadata.illumination},
 * conventional when absent). The surrogate's error is a property of both: SOCS truncates the
 * eigen-decomposition of the transmission cross-coefficients, which depends on the source shape
 * only, and how much of the dropped tail shows in an image depends on the mask's spectrum, i.e. the
 * pattern. Dose, resist and grid do not enter the image comparison at all; σ and NA move the error
 * smoothly and are left inside the class. Key: {@code <job_class>/<illumination>}, e.g. {@code 5/annular}.
 */
public final class AuditClass {

    private AuditClass() {
    }

    public static String of(JobParameters p) {
        return p.jobClass() + "/" + illumination(p.metadata());
    }

    /** The illumination's canonical name (the simulator's aliases folded: disk and circular are conventional). */
    static String illumination(Map<String, Object> metadata) {
        Object v = metadata == null ? null : metadata.get("illumination");
        String name = v == null ? "conventional" : v.toString().toLowerCase(Locale.ROOT).trim();
        return switch (name) {
            case "disk", "circular", "" -> "conventional";
            case "dipole" -> "dipole_x";
            default -> name;
        };
    }

    /** "job class 5 (annular illumination)": how the alert names it. */
    static String describe(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? "job class " + key
                : "job class " + key.substring(0, slash) + " (" + key.substring(slash + 1) + " illumination)";
    }
}
