package dev.lto.platform.streams;

/** An event could not be handed to the message backbone; nothing was published. */
public class StreamPublishException extends RuntimeException {

    public StreamPublishException(String binding, String eventId, Throwable cause) {
        super("could not publish event " + eventId + " to binding " + binding
                + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }
}
