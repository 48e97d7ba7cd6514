/**
 * The {@code mga} command line: {@code mga decode} prints what the decoder sees in a capture, one JSON object
 * per packet (see {@code docs/decode-output.md}). Only this module and the examples print; the libraries log
 * through slf4j.
 */
package io.mga.cli;
