/**
 * The role commands' configuration file (TOML, one per role, keys named after the long options) and key files
 * (one secret a file, refused unless mode 0600 or stricter). See {@code docs/config.md}.
 */
package io.mga.cli.config;
