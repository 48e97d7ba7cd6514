/**
 * What the role commands print: one line per event, with its ISO 8601 wall-clock time, level, role and what
 * happened with its reason; the library's own slf4j lines are set to the same level and time format.
 */
package io.mga.cli.log;
