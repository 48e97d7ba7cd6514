package io.mga.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A role's configuration file in TOML: each key is a long option of the role's command without its leading
 * dashes ({@code udp-echo = 5353} is {@code --udp-echo=5353}), so that every option, including ones added later,
 * is settable from the file by the same mechanism. A repeatable option takes an array; a flag takes
 * {@code true} or {@code false}. Options given on the command line override the file's: the file's value of such
 * an option is not used at all (also for repeatable options). Keys do not go in this file: {@code key} is refused
 * (use {@code key-file}), and so is a {@code responder} entry with the key in hex (name a key file with
 * {@code @FILE}).
 *
 * <p>TOML rather than YAML: no implicit typing ({@code no} stays a string, {@code 0600} is not an octal
 * surprise), no anchors or aliases to expand, a small grammar that suits a flat list of options (as
 * {@code mip6d.conf} and systemd units are), and Jackson's TOML module needs no other library.
 */
public final class ConfigFile {
    /** The largest configuration file read. */
    static final long MAX_SIZE = 1 << 20;
    /** The most values one key may carry (an array's elements). */
    static final int MAX_VALUES = 4096;
    /** Options that never come from a file: the file itself, and help. */
    private static final Set<String> NOT_FROM_FILE = Set.of("config", "help", "version");

    private ConfigFile() {
    }

    /**
     * Reads a configuration file into the arguments it stands for.
     *
     * @param file the file
     * @param command the role command whose long options are the keys
     * @param given the options given on the command line (their long names with dashes, e.g. {@code --bid}): the
     *     file's values for them are left out
     * @return the arguments, each {@code --name=value} or {@code --flag}
     * @throws ConfigException with one line naming the file, the key and the problem
     */
    public static List<String> arguments(Path file, CommandSpec command, Set<String> given) throws ConfigException {
        JsonNode root = read(file);
        List<String> args = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            JsonNode v = f.getValue();
            OptionSpec o = NOT_FROM_FILE.contains(key) ? null : command.findOption("--" + key);
            if (o == null || !o.longestName().equals("--" + key)) {
                throw new ConfigException("config " + file + ": unknown key '" + key + "' for mga "
                        + command.name() + " (keys are its long options: " + keys(command) + ")");
            }
            if (key.equals("key")) {
                throw new ConfigException("config " + file + ": 'key' does not go in a configuration file: put it"
                        + " in a key file of mode 0600 and name it with key-file");
            }
            if (given.contains(o.longestName())) {
                continue;
            }
            List<JsonNode> values = new ArrayList<>();
            if (v.isArray()) {
                if (!o.isMultiValue()) {
                    throw new ConfigException("config " + file + ": '" + key + "' takes one value, not an array");
                }
                if (v.size() > MAX_VALUES) {
                    throw new ConfigException("config " + file + ": '" + key + "' has more than " + MAX_VALUES
                            + " values");
                }
                v.forEach(values::add);
            } else {
                values.add(v);
            }
            for (JsonNode x : values) {
                args.addAll(argument(file, o, key, x));
            }
        }
        return args;
    }

    private static List<String> argument(Path file, OptionSpec o, String key, JsonNode x) throws ConfigException {
        boolean flag = o.arity().max() == 0;
        if (flag) {
            if (!x.isBoolean()) {
                throw new ConfigException("config " + file + ": '" + key + "' is a flag: true or false");
            }
            return x.booleanValue() ? List.of(o.longestName()) : List.of();
        }
        if (x.isObject() || x.isArray() || x.isNull()) {
            throw new ConfigException("config " + file + ": '" + key + "' takes a string or a number");
        }
        String text = x.asText();
        if (key.equals("responder") && inlineKey(text)) {
            throw new ConfigException("config " + file + ": a responder's key does not go in a configuration"
                    + " file: write NAI,SPI,@KEYFILE[,PREFIX] with the key in a file of mode 0600");
        }
        return List.of(o.longestName() + "=" + text);
    }

    /** Whether a {@code --responder} value carries its key in hex rather than naming a key file. */
    private static boolean inlineKey(String value) {
        String[] f = value.split(",");
        return f.length >= 3 && !f[2].startsWith("@");
    }

    private static JsonNode read(Path file) throws ConfigException {
        try {
            if (Files.size(file) > MAX_SIZE) {
                throw new ConfigException("config " + file + ": larger than " + MAX_SIZE + " octets");
            }
            JsonNode root = new TomlMapper().readTree(Files.readString(file));
            if (root == null || !root.isObject()) {
                throw new ConfigException("config " + file + ": not a TOML table of options");
            }
            return root;
        } catch (NoSuchFileException e) {
            throw new ConfigException("config " + file + ": no such file");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException("config " + file + ": not valid TOML: " + e.getOriginalMessage()
                    .replaceAll("\\s+", " ") + location(e));
        } catch (IOException e) {
            throw new ConfigException("config " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    private static String location(com.fasterxml.jackson.core.JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    /**
     * @param command a role command
     * @return its keys, as they are written in a file
     */
    public static String keys(CommandSpec command) {
        Set<String> k = new TreeSet<>();
        for (OptionSpec o : command.options()) {
            String n = o.longestName();
            if (n.startsWith("--") && !NOT_FROM_FILE.contains(n.substring(2))) {
                k.add(n.substring(2));
            }
        }
        return String.join(", ", k);
    }
}
