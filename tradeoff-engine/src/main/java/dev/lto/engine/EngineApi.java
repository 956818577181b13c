package dev.lto.engine;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the engine's API: the types (and their nested types) intelligence-service may use. Everything
 * else is public only because the engine's packages by concern use each other; intelligence-service's
 * ArchitectureTest fails when it reaches past this API (the learners, the trainer, the calibration).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EngineApi {
}
