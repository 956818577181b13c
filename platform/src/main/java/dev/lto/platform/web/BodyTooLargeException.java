package dev.lto.platform.web;

/** A request body over the configured limit ({@code lto.http.max-body-bytes}); answered 413. */
public class BodyTooLargeException extends RuntimeException {

    public BodyTooLargeException(long limit) {
        super("request bodies are limited to " + limit + " bytes");
    }
}
