package dev.lto.stream.binder.redis;

import java.io.Serial;

/** A Redis command of the binder failed or did not answer in time. */
public class RedisStreamOperationException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    public RedisStreamOperationException(String message, Throwable cause) {
        super(message, cause);
    }

    public RedisStreamOperationException(String message) {
        super(message);
    }
}
