/**
 * The model lifecycle of seed §6 beyond training: the registry as an admin sees it, gated promotion,
 * the 30-day rollback candidate and the announcements of each change (docs/ml.md, "Lifecycle").
 */
package dev.lto.engine.lifecycle;
