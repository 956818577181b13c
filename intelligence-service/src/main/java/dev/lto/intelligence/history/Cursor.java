package dev.lto.intelligence.history;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Position after the last item of a history page, in the page order ({@code submitted_at} desc,
 * then {@code job_id} desc). A keyset position rather than an offset: jobs submitted meanwhile
 * neither shift nor repeat later pages, and a deep page costs what the first does. Opaque to
 * clients: base64url of {@code <epoch microseconds>:<job_id>} (DuckDB keeps microseconds).
 */
record Cursor(Instant submittedAt, String jobId) {

    String encode() {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, submittedAt);
        return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + jobId).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this service issued */
    static Cursor decode(String text) {
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a cursor issued by this API");
        }
        int colon = plain.indexOf(':');
        if (colon <= 0 || colon == plain.length() - 1) {
            throw new IllegalArgumentException("not a cursor issued by this API");
        }
        try {
            long micros = Long.parseLong(plain.substring(0, colon));
            return new Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), plain.substring(colon + 1));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a cursor issued by this API");
        }
    }
}
