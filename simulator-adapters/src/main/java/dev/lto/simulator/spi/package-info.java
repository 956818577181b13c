/**
 * Simulator SPI: the only simulator types services may depend on. Implementations live in adapter
 * packages (e.g. {@code dev.lto.simulator.physics}) and are injected as Spring beans.
 */
package dev.lto.simulator.spi;
