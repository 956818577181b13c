package dev.lto.intelligence.models;

/** No model is loaded yet (bootstrap running, disabled, or failed); answered as a 503 problem. */
public class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException(String message) {
        super(message);
    }
}
