/**
 * Keyed hashing for the engine's tables (the agent's binding cache and pin table) and for rendezvous selection.
 * Pure functions; uses nothing else of mga.
 */
package io.mga.engine.hash;
