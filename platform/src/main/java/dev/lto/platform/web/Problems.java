package dev.lto.platform.web;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** The RFC 9457 problem types LTO answers with; each type URI is listed in docs/api.md. */
public final class Problems {

    public static final URI INVALID_REQUEST = URI.create("https://lto.dev/problems/invalid-request");
    public static final URI MALFORMED_JSON = URI.create("https://lto.dev/problems/malformed-json");
    public static final URI BODY_TOO_LARGE = URI.create("https://lto.dev/problems/body-too-large");
    public static final URI NOT_FOUND = URI.create("https://lto.dev/problems/not-found");
    /** The same type the security filter answers a role refusal with. */
    public static final URI FORBIDDEN = URI.create("https://lto.dev/problems/forbidden");
    public static final URI CONFLICT = URI.create("https://lto.dev/problems/conflict");
    public static final URI UNAVAILABLE = URI.create("https://lto.dev/problems/unavailable");
    public static final URI RATE_LIMITED = URI.create("https://lto.dev/problems/rate-limited");

    public static ProblemDetail of(HttpStatus status, URI type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(type);
        p.setTitle(title);
        return p;
    }

    private Problems() {
    }
}
