package io.mga.cli.log;

import io.mga.api.AnycastBinding;
import io.mga.engine.AgentEvent;
import io.mga.engine.AnycastResponder;
import io.mga.engine.ResponderEvent;
import io.mga.wire.BaStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Prints a role's events, one human line each: {@code 2026-12-02T06:10:00.123Z INFO  haa: registered ...}. The
 * time is the event's wall-clock time (ISO 8601, UTC, milliseconds). Rejected Binding Updates can be provoked by
 * anyone who sends a packet, so they are printed at most once a second, each line saying how many were not
 * printed since. Not thread-safe: call it from the role's thread (its listener), or {@link #line} from one thread
 * at a time.
 */
public final class EventLog {
    /** Rejections printed at most once per this many nanoseconds of the role's clock. */
    public static final long REJECTION_INTERVAL = 1_000_000_000L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_INSTANT;

    private final PrintWriter out;
    private final String role;
    private final Level level;
    private final Clock wall;
    private long lastRejection = Long.MIN_VALUE;
    private long suppressed;

    /**
     * @param out where lines go
     * @param role the role's name in each line (haa, responder, initiator)
     * @param level the least severe level printed
     * @param wall the wall clock of lines that are not events (start, stop)
     */
    public EventLog(PrintWriter out, String role, Level level, Clock wall) {
        this.out = out;
        this.role = role;
        this.level = level;
        this.wall = wall;
    }

    /** @return the level printed */
    public Level level() {
        return level;
    }

    /**
     * Prints a line stamped with the wall clock now.
     *
     * @param l its level
     * @param text what happened
     */
    public synchronized void line(Level l, String text) {
        line(wall.instant(), l, text);
    }

    private synchronized void line(Instant t, Level l, String text) {
        if (!level.shows(l)) {
            return;
        }
        out.println(TIME.format(t.truncatedTo(ChronoUnit.MILLIS)) + " " + String.format(Locale.ROOT, "%-5s", l.name())
                + " " + role + ": " + oneLine(text));
        out.flush();
    }

    /**
     * Prints an agent's event.
     *
     * @param e the event
     */
    public void agent(AgentEvent e) {
        Instant t = e.wallTime();
        if (e instanceof AgentEvent.Rejected r) {
            if (lastRejection != Long.MIN_VALUE && r.timeNanos() - lastRejection < REJECTION_INTERVAL) {
                suppressed++;
                return;
            }
            lastRejection = r.timeNanos();
            String more = suppressed > 0 ? " (" + suppressed + " more rejections not printed)" : "";
            suppressed = 0;
            line(t, Level.WARN, "refused a Binding Update from " + r.from() + ": "
                    + (r.status() >= 0 ? status(r.status()) + ", " : "no answer sent, ") + r.reason() + more);
        } else if (e instanceof AgentEvent.Registered r) {
            line(t, Level.INFO, "registered " + describe(r.binding()));
        } else if (e instanceof AgentEvent.Refreshed r) {
            line(t, Level.DEBUG, "refreshed " + describe(r.binding()));
        } else if (e instanceof AgentEvent.Overwritten r) {
            line(t, Level.INFO, "overwritten: " + describe(r.old()) + " replaced by " + describe(r.binding()));
        } else if (e instanceof AgentEvent.Deregistered r) {
            line(t, Level.INFO, "deregistered " + describe(r.binding()) + ": its responder said goodbye");
        } else if (e instanceof AgentEvent.Expired r) {
            line(t, Level.WARN, "expired " + describe(r.binding()) + ": no refresh within its lifetime");
        } else if (e instanceof AgentEvent.Unreachable r) {
            line(t, Level.WARN, "unreachable " + describe(r.binding())
                    + ": it did not answer a probe (liveness, or after a tunnel error)");
        } else if (e instanceof AgentEvent.Revoked r) {
            line(t, Level.WARN, "revoked " + describe(r.binding()) + ": its credentials were withdrawn by a reload");
        }
    }

    /**
     * Prints a responder's event; a refusal says what to change.
     *
     * @param e the event
     * @param bindingId the responder's Binding ID (for the advice on 129)
     * @param spi its SPI (for the advice on 146)
     */
    public void responder(ResponderEvent e, int bindingId, long spi) {
        Instant t = e.wallTime();
        if (e instanceof ResponderEvent.StateChanged c) {
            String s = c.state().name().toLowerCase(Locale.ROOT);
            if (c.state() == AnycastResponder.State.FAILED) {
                line(t, Level.ERROR, "refused by " + c.agent() + ": " + status(c.status()) + ": "
                        + advice(c.status(), bindingId, spi));
            } else if (c.state() == AnycastResponder.State.REGISTERED) {
                line(t, Level.INFO, "registered with " + c.agent());
            } else {
                line(t, Level.DEBUG, s + " with " + c.agent());
            }
        } else if (e instanceof ResponderEvent.AgentsDiscovered d) {
            line(t, Level.INFO, "agents discovered: " + d.agents());
        } else if (e instanceof ResponderEvent.RouteOptimised r) {
            line(t, Level.DEBUG, "route optimised with " + r.initiator());
        } else if (e instanceof ResponderEvent.RouteOptimisationStopped r) {
            line(t, Level.DEBUG, "route optimisation with " + r.initiator() + " stopped: " + r.reason());
        }
    }

    /**
     * Whether a refusal is a configuration error that retrying cannot mend, so that the command exits. Only
     * authenticated refusals count: a 146 is never signed (the agent could not verify the BU), so anyone on the
     * path could forge one; it is printed as an error and retried, as the library does.
     *
     * @param status a Binding Acknowledgement status the responder took (authenticated, except 146)
     * @return true for 129, 131, 132, 164, 166 and 174
     */
    public static boolean permanent(int status) {
        return switch (status) {
            case 129, 131, 132, 164, 166, 174 -> true;
            default -> false;
        };
    }

    /**
     * What to change after a refusal.
     *
     * @param status the status
     * @param bindingId the responder's Binding ID
     * @param spi its SPI
     * @return advice in a few words
     */
    public static String advice(int status, int bindingId, long spi) {
        return switch (status) {
            case 129 -> "Binding ID " + bindingId + " already taken by another responder, or this responder may not"
                    + " serve the anycast address: give another --bid, or check the agent's --responder prefix";
            case 132 -> "the agent does not serve this anycast address: check --anycast against the agent's";
            case 133 -> "the agent holds no binding of this responder to delete";
            case 145 -> "the agent requires replay protection";
            case 146 -> "the agent could not verify the authentication: the key for SPI " + spi
                    + " differs between the responder and the agent (an unsigned answer: retrying)";
            case 164 -> "the agent runs the Advanced Model and needs a Binding ID: give --bid 1 to 65535";
            case 174 -> "the care-of address is not accepted: give the responder's own unicast --address";
            case 130 -> "the agent has no room (binding cache or this responder's quota full); retrying";
            default -> "retrying";
        };
    }

    /**
     * @param status a BA status code
     * @return e.g. {@code status 129 ADMINISTRATIVELY_PROHIBITED}
     */
    public static String status(int status) {
        return "status " + status + " " + BaStatus.valueOf(status).name().toUpperCase(Locale.ROOT);
    }

    private static String describe(AnycastBinding b) {
        return b.responder() + " for " + b.anycast() + " (Binding ID " + b.bindingId() + ", care-of " + b.careOf()
                + (b.weight() != 1 || b.load() != 0 ? ", weight " + b.weight() + ", load " + b.load() : "") + ")";
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
    }
}
