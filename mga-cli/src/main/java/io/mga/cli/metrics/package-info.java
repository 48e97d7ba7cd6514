/**
 * Prometheus metrics of a running role over HTTP ({@code --metrics=ADDR:PORT}, off by default), with the
 * Prometheus Java client; every value comes from a snapshot made on the role's thread.
 */
package io.mga.cli.metrics;
