package io.mga.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code mga} command. */
@Command(name = "mga", mixinStandardHelpOptions = true, version = "mga 0.1.0-SNAPSHOT",
        description = "Mobile IPv6 and MGA (Mobile IPv6-based IPv6 Global Anycast) tools.",
        subcommands = {DemoCommand.class, DecodeCommand.class, RoleCommands.Haa.class, RoleCommands.Responder.class,
            RoleCommands.Initiator.class, CommandLine.HelpCommand.class})
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
        return commandLine().execute(args);
    }

    /** @return a fresh command line for {@code mga} (tests redirect its output streams) */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
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
