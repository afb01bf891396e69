package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.kvm.HostStdin;
import java.io.PrintStream;

/**
 * The terminal on stdin in raw mode while the tool runs (keys, Ctrl-C included, go to the guest;
 * see {@link EscapeKeys}), and put back as it was on every way out: {@link #close()} on a normal
 * end or an exception, an explicit {@link #close()} before a forced exit, and a shutdown hook for
 * exits that skip both ({@code System.exit} elsewhere, SIGHUP). Closing twice restores once.
 */
final class RawTerminal implements AutoCloseable {

    private final HostStdin.RawMode mode;
    private final Thread hook;

    private RawTerminal(HostStdin.RawMode mode) {
        this.mode = mode;
        this.hook = mode == null ? null : new Thread(mode::close, "bootkernel-restore-terminal");
    }

    /**
     * Puts the terminal on stdin in raw mode.
     *
     * @param stderr where to say so if the terminal stays in line mode
     * @return the raw terminal; one that does nothing if raw mode could not be set
     */
    static RawTerminal enter(PrintStream stderr) {
        HostStdin.RawMode mode;
        try {
            mode = HostStdin.enterRawMode();
        } catch (RuntimeException | LinkageError e) {
            stderr.println("bootkernel: stdin stays in line mode (Ctrl-C stops the guest): " + e.getMessage());
            return none();
        }
        RawTerminal terminal = new RawTerminal(mode);
        Runtime.getRuntime().addShutdownHook(terminal.hook);
        return terminal;
    }

    /** @return a terminal that is not in raw mode and restores nothing */
    static RawTerminal none() {
        return new RawTerminal(null);
    }

    /** @return whether the terminal is in raw mode (until closed) */
    boolean isRaw() {
        return mode != null;
    }

    /** Restores the terminal's attributes. Thread-safe, idempotent. */
    @Override
    public void close() {
        if (mode == null) {
            return;
        }
        mode.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs, and restores nothing twice
        }
    }
}
