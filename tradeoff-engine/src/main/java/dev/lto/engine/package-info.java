/**
 * LTO's tradeoff engine: the machine-learning library behind the preflight gate. Sub-packages by concern;
 * no web, stream or Spring wiring here (intelligence-service wires it).
 */
package dev.lto.engine;
