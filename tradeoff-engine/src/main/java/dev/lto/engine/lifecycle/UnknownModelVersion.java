package dev.lto.engine.lifecycle;

import dev.lto.engine.EngineApi;

/** A lifecycle action named a version the registry does not hold (the service answers 404). */
@EngineApi
public final class UnknownModelVersion extends RuntimeException {

    public UnknownModelVersion(String version) {
        super("no registered model version " + version);
    }
}
