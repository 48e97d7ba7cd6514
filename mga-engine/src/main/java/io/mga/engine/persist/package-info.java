/**
 * A Home Anycast Agent's state on disk, so that a restart (even after {@code kill -9}) comes back serving: the
 * file format ({@link io.mga.engine.persist.StateCodec}: versioned, checksummed, bounded), its crash-safe writing
 * and reading ({@link io.mga.engine.persist.StateFile}: new file, fsync, atomic rename, fsync of the directory),
 * and a writer that follows a running agent, coalesced, off its thread ({@link
 * io.mga.engine.persist.StateSaver}). The values are {@link io.mga.engine.AgentState}'s.
 */
package io.mga.engine.persist;
