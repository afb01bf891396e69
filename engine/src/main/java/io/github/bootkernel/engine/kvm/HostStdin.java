package io.github.bootkernel.engine.kvm;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The process's standard input, descriptor 0, as the command-line tool needs it: whether it is
 * open, whether it is a terminal, and a raw mode to put that terminal in and take it out of again.
 * Not KVM, but native: the libc calls behind it live in {@code Native} with every other one.
 */
public final class HostStdin {

    private static final int STDIN = 0;

    private HostStdin() {
    }

    /**
     * Whether descriptor 0 is open (what it refers to is another matter: if it was closed when the
     * JVM started, the JVM's first file took it).
     *
     * @return false if {@code fcntl(0, F_GETFD)} fails with EBADF
     * @throws KvmException if that call fails otherwise
     */
    public static boolean isOpen() {
        try {
            Native.fcntl(STDIN, Native.F_GETFD);
            return true;
        } catch (RuntimeException e) {
            if (Native.errno(e) == Errno.EBADF.number()) {
                return false;
            }
            throw new KvmException("fcntl(0, F_GETFD)", Native.errno(e), e);
        }
    }

    /**
     * If descriptor 0 is closed, opens {@code /dev/null} on it, so that no file opened later gets
     * descriptor 0 and is read as standard input.
     *
     * @return whether descriptor 0 was closed
     * @throws KvmException if it was closed and {@code /dev/null} cannot be put there
     */
    public static boolean occupyIfClosed() {
        if (isOpen()) {
            return false;
        }
        int fd;
        try {
            fd = Native.open("/dev/null", Native.O_RDONLY);
        } catch (RuntimeException e) {
            throw new KvmException("open(/dev/null)", Native.errno(e), e);
        }
        if (fd != STDIN) { // another thread took descriptor 0 first: put /dev/null there instead
            try {
                Native.dup2(fd, STDIN);
            } catch (RuntimeException e) {
                throw new KvmException("dup2(/dev/null, 0)", Native.errno(e), e);
            } finally {
                Native.close(fd);
            }
        }
        return true;
    }

    /**
     * Whether descriptor 0 is a terminal.
     *
     * @return {@code isatty(0) == 1}
     */
    public static boolean isTerminal() {
        return Native.isatty(STDIN) == 1;
    }

    /**
     * Puts the terminal on descriptor 0 in raw mode (see {@link RawMode}), at once and without
     * discarding input typed so far.
     *
     * @return the raw mode; closing it restores the terminal's attributes as they were
     * @throws KvmException if descriptor 0 is not a terminal or its attributes cannot be read or set
     */
    public static RawMode enterRawMode() {
        Termios saved = new Termios();
        call("tcgetattr(0)", () -> Native.tcgetattr(STDIN, saved.buffer));
        Termios raw = saved.copy();
        raw.makeRaw();
        call("tcsetattr(0, TCSANOW)", () -> Native.tcsetattr(STDIN, Native.TCSANOW, raw.buffer));
        return new RawMode(saved);
    }

    private static void call(String operation, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            throw new KvmException(operation, Native.errno(e), e);
        }
    }

    /**
     * A terminal in raw mode: keys reach the reader one byte at a time, unechoed, Ctrl-C and Ctrl-Z
     * as bytes rather than signals; the output side still turns {@code \n} into {@code \r\n}.
     * {@link #close()} puts the saved attributes back; it may be called from any thread, any number
     * of times, and acts once.
     */
    public static final class RawMode implements AutoCloseable {
        private final Termios saved;
        private final AtomicBoolean restored = new AtomicBoolean();

        private RawMode(Termios saved) {
            this.saved = saved;
        }

        /**
         * Restores the terminal's attributes as they were before raw mode. A failure (the terminal
         * went away) is ignored: there is nothing left to restore then.
         */
        @Override
        public void close() {
            if (restored.compareAndSet(false, true)) {
                try {
                    Native.tcsetattr(STDIN, Native.TCSANOW, saved.buffer);
                } catch (RuntimeException e) {
                    // the terminal is gone (hang-up) or no longer ours: nothing to restore
                }
            }
        }
    }
}
