package dev.lto.engine.models;

import dev.lto.engine.EngineApi;

/** No model is loaded yet (bootstrap running, disabled, or failed); answered as a 503 problem. */
@EngineApi
public class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException(String message) {
        super(message);
    }
}
