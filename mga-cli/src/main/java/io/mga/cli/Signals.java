package io.mga.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP for the role commands, through {@code sun.misc.Signal} of the {@code jdk.unsupported} module (the only
 * way a Java program handles a signal other than through shutdown hooks). It is reached by reflection so that the
 * build stays free of the compiler's "internal proprietary API" warnings; without it (another JVM), SIGHUP keeps
 * its default action and the reload is not available, which is logged. A process started with SIGHUP ignored (by
 * {@code nohup}, say) cannot take it back: the JVM leaves an ignored SIGHUP ignored, and the caller is told.
 */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /**
     * Runs {@code action} on each SIGHUP (on the JVM's signal thread: it must be short).
     *
     * @param action what to do
     * @return true if the handler is installed; false if it cannot be, or if SIGHUP was ignored when this process
     *     started (as under {@code nohup}), in which case it stays ignored
     */
    static boolean onHangUp(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object hup = signal.getConstructor(String.class).newInstance("HUP");
            InvocationHandler h = (proxy, method, args) -> switch (method.getName()) {
                case "handle" -> {
                    action.run();
                    yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "mga SIGHUP handler";
                default -> null;
            };
            Object p = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, h);
            Object old = signal.getMethod("handle", signal, handler).invoke(null, hup, p);
            // a signal ignored when the JVM started (nohup, or a parent that ignores it) stays ignored: the JVM
            // installs no handler and hands back SIG_IGN, and the action would never run
            return old != handler.getField("SIG_IGN").get(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("SIGHUP cannot be handled on this JVM ({}): no reload", e.toString());
            return false;
        }
    }
}
