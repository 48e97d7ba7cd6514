/** Example programs: each runnable on the simulated network (default) and on a live interface. */
package io.mga.examples;
