package dev.lto.platform.web;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The form of LTO's ids ({@code job_id}, {@code alert_id}): 1–64 of {@code [A-Za-z0-9_.-]}, as a submission's
 * {@code job_id} must be. Ids in paths and query parameters are checked against it before anything is looked
 * up, so a huge or odd id is a 400 naming it (constraint {@code Pattern}), never a query or a log line of any size.
 */
public final class Ids {

    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    public static final String MESSAGE = "must be 1-64 characters of letters, digits, '_', '.' or '-'";

    private Ids() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** A problem naming {@code field} when {@code id} is not of the id form, else null. */
    public static FieldProblem problem(String field, String id) {
        return valid(id) ? null : new FieldProblem(field, "Pattern", MESSAGE, shorten(id));
    }

    /** @return {@code id} @throws InvalidRequestException naming {@code field} when it is not of the id form */
    public static String require(String field, String id) {
        FieldProblem p = problem(field, id);
        if (p != null) {
            throw new InvalidRequestException(List.of(p));
        }
        return id;
    }

    private static String shorten(String id) {
        return id == null || id.length() <= StrictRecordReader.MAX_ECHO ? id : id.substring(0, StrictRecordReader.MAX_ECHO) + "…";
    }
}
