/**
 * LTO's data contracts: plain records and enums shared by every module, with Bean Validation
 * constraints and snake_case JSON names exactly as the seed architecture's examples. Nothing
 * here depends on Spring, so any producer or consumer can speak the contract.
 */
package dev.lto.contracts;
