/** JMH benchmarks of mga, each beside its reference in the same run; see the module README for how to run them. */
package io.mga.bench;
