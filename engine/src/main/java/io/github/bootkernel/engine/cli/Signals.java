package io.github.bootkernel.engine.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * SIGINT and SIGTERM turned into {@link StopRequest}s for as long as the tool runs, instead of the
 * JVM's default of exiting at once with the guest still running. A signal the process was started
 * with ignored ({@code nohup}, a background job) stays ignored; if the JVM reserves the signals
 * ({@code -Xrs}), its defaults stay. {@link #close()} puts the previous handlers back.
 *
 * <p>The handlers are {@code sun.misc.Signal}'s (module {@code jdk.unsupported}), the JDK's only
 * way to handle a signal in Java; a handler runs on a thread of its own. They are reached by
 * reflection because {@code javac --release} warns about every compile-time use of
 * {@code sun.misc}, with no way to suppress it, and the build treats warnings as errors.
 */
final class Signals implements AutoCloseable {

    private static final String SIGNAL = "sun.misc.Signal";
    private static final String HANDLER = "sun.misc.SignalHandler";

    private final List<Installed> installed;

    /** A signal (a {@code sun.misc.Signal}) and the handler it had before. */
    private record Installed(Object signal, Object previous) {
    }

    private Signals(List<Installed> installed) {
        this.installed = installed;
    }

    /**
     * Sends SIGINT and SIGTERM to {@code stop}.
     *
     * @param stop receives {@link StopRequest.Reason#SIGINT} and {@link StopRequest.Reason#SIGTERM}
     * @return the installed handlers, to close when the tool ends
     */
    static Signals install(StopRequest stop) {
        List<Installed> installed = new ArrayList<>();
        handle("INT", () -> stop.request(StopRequest.Reason.SIGINT), installed);
        handle("TERM", () -> stop.request(StopRequest.Reason.SIGTERM), installed);
        return new Signals(installed);
    }

    /** @return handlers that handle nothing, for a tool run in-process */
    static Signals none() {
        return new Signals(List.of());
    }

    private static void handle(String name, Runnable action, List<Installed> installed) {
        try {
            Class<?> handlerType = Class.forName(HANDLER);
            Object signal = Class.forName(SIGNAL).getConstructor(String.class).newInstance(name);
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "bootkernel " + name + " handler";
                    });
            installed.add(new Installed(signal, setHandler(signal, handler)));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Reserved by the JVM (-Xrs) or the OS, or no jdk.unsupported: keep the default, which
            // still ends the process, only without the summary line. Never thrown on: the caller
            // has the terminal in raw mode already.
        }
    }

    /** {@code sun.misc.Signal.handle(signal, handler)}: returns the previous handler. */
    private static Object setHandler(Object signal, Object handler) throws ReflectiveOperationException {
        Method handle = Class.forName(SIGNAL).getMethod("handle", Class.forName(SIGNAL), Class.forName(HANDLER));
        try {
            return handle.invoke(null, signal, handler);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException reserved) {
                throw new ReflectiveOperationException(reserved.getMessage(), reserved);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        for (Installed i : installed) {
            try {
                setHandler(i.signal(), i.previous());
            } catch (ReflectiveOperationException e) {
                // cannot happen for a signal whose handler was set: nothing to restore then
            }
        }
    }
}
