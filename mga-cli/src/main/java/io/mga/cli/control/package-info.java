/**
 * Inspection of a running role: an immutable snapshot made on the role's own thread (a task on its runner's
 * queue), served as JSON on a Unix domain socket of mode 0600 ({@code mga status}) and read by the metrics
 * exporter.
 */
package io.mga.cli.control;
