package io.mga.cli;

import io.mga.cli.config.ConfigException;
import io.mga.cli.config.ConfigFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Command;

/** Entry point of the {@code mga} command. */
@Command(name = "mga", mixinStandardHelpOptions = true, version = "mga 0.1.0-SNAPSHOT",
        description = "Mobile IPv6 and MGA (Mobile IPv6-based IPv6 Global Anycast) tools.",
        subcommands = {DemoCommand.class, DecodeCommand.class, RoleCommands.Haa.class, RoleCommands.Responder.class,
            RoleCommands.Initiator.class, StatusCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    private Main() {
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting.
     *
     * @param args the arguments
     * @return the exit status
     */
    public static int run(String... args) {
        return execute(commandLine(), args);
    }

    /**
     * Runs a command line, first expanding a role's {@code --config=FILE} into the options it holds, before those
     * of the command line (which override the file's: an option given on the command line is not taken from the
     * file at all).
     *
     * @param cl the command line
     * @param args the arguments
     * @return the exit status
     */
    static int execute(CommandLine cl, String... args) {
        String[] expanded;
        try {
            expanded = expand(cl, args);
        } catch (ConfigException e) {
            cl.getErr().println("mga " + args[0] + ": " + RoleCommands.oneLine(e.getMessage()));
            cl.getErr().flush();
            return 2;
        }
        return cl.execute(expanded);
    }

    private static String[] expand(CommandLine cl, String[] args) throws ConfigException {
        if (args.length == 0 || !cl.getSubcommands().containsKey(args[0])) {
            return args;
        }
        CommandLine sub = cl.getSubcommands().get(args[0]);
        CommandSpec spec = sub.getCommandSpec();
        if (spec.findOption("--config") == null || !(spec.userObject() instanceof RoleCommands.Configurable c)) {
            return args;
        }
        Set<String> given = new HashSet<>();
        String config = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            String n = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            OptionSpec o = spec.findOption(n);
            if (o != null && a.startsWith("-")) {
                given.add(o.longestName());
                if (o.longestName().equals("--config")) {
                    config = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length ? args[i + 1]
                            : null;
                }
            }
        }
        c.givenOnCommandLine(given);
        if (config == null) {
            return args;
        }
        List<String> out = new ArrayList<>();
        out.add(args[0]);
        out.addAll(ConfigFile.arguments(Path.of(config), spec, given));
        out.addAll(Arrays.asList(args).subList(1, args.length));
        return out.toArray(String[]::new);
    }

    /** @return a fresh command line for {@code mga} (tests redirect its output streams) */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // bad input gets one line naming the problem, not a usage page
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("mga " + c.getCommandName() + ": " + RoleCommands.oneLine(ex.getMessage()));
            c.getErr().flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("mga " + c.getCommandName() + ": " + RoleCommands.oneLine(ex.getMessage()));
            c.getErr().flush();
            return 1;
        });
        return cl;
    }
}
