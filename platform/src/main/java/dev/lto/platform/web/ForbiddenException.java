package dev.lto.platform.web;

/**
 * The caller's key may call the endpoint but not on this resource (a submitter cancelling another
 * owner's job); answered as a 403 problem of the same type as a role refusal.
 */
public class ForbiddenException extends RuntimeException {

    public ForbiddenException(String message) {
        super(message);
    }
}
