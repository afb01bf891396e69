package io.github.bootkernel.engine.cli;

import io.github.bootkernel.engine.kvm.HostStdin;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the tool's descriptor 0 is, decided before the tool opens any file: input to forward to the
 * guest (a pipe, a file, a terminal), or nothing.
 *
 * <p>Nothing when the process was started with descriptor 0 closed ({@code <&-}): the next file
 * opened takes descriptor 0, and {@code System.in} would read that file into the guest. By the
 * time {@code main} runs, the JVM itself has usually taken it (for {@code lib/modules}, the first
 * file it opens); then it is left to the JVM and not read. If it is still closed, {@code /dev/null}
 * is put there so that no file the tool opens later lands on it.
 */
record StandardInput(Kind kind, String why) {

    /** How to treat descriptor 0. */
    enum Kind {
        /** Not the input the process was given: read nothing. */
        NONE,
        /** A pipe, a file or a device: forward its bytes as they are. */
        STREAM,
        /** A terminal: forward keys in raw mode, with escape sequences. */
        TERMINAL
    }

    /**
     * Inspects descriptor 0 of this process, taking it with {@code /dev/null} if it is closed.
     *
     * @return what it is
     */
    static StandardInput inspect() {
        boolean wasClosed;
        boolean terminal;
        try {
            wasClosed = HostStdin.occupyIfClosed();
            terminal = !wasClosed && HostStdin.isTerminal();
        } catch (RuntimeException | LinkageError e) {
            // No native access (the tool will fail to reach KVM anyway): judge by the link alone.
            wasClosed = false;
            terminal = false;
        }
        return classify(wasClosed, target(0), terminal, realPath(System.getProperty("java.home")),
                classPath(System.getProperty("java.class.path", "")));
    }

    /**
     * The decision, apart from the system calls that gather its inputs.
     *
     * @param wasClosed whether descriptor 0 was closed (and now holds {@code /dev/null})
     * @param target what {@code /proc/self/fd/0} links to, if readable
     * @param terminal whether descriptor 0 is a terminal
     * @param javaHome the running JVM's {@code java.home}
     * @param classPath the entries of {@code java.class.path}
     * @return what to read
     */
    static StandardInput classify(boolean wasClosed, Optional<Path> target, boolean terminal, Path javaHome,
            List<Path> classPath) {
        if (wasClosed) {
            return new StandardInput(Kind.NONE, "stdin was closed; /dev/null now holds descriptor 0");
        }
        if (target.isPresent()) {
            Path file = target.get();
            if (file.startsWith(javaHome) || classPath.contains(file)) {
                return new StandardInput(Kind.NONE, "stdin was closed; the JVM reused descriptor 0 for " + file);
            }
        }
        return terminal ? new StandardInput(Kind.TERMINAL, "a terminal") : new StandardInput(Kind.STREAM, "a stream");
    }

    /**
     * The stream to forward to the guest.
     *
     * @param in the process's standard input stream
     * @return {@code in}, or an empty stream for {@link Kind#NONE}
     */
    InputStream stream(InputStream in) {
        return kind == Kind.NONE ? InputStream.nullInputStream() : in;
    }

    private static Optional<Path> target(int fd) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toAbsolutePath());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static List<Path> classPath(String classPath) {
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(StandardInput::realPath)
                .toList();
    }

    /** The path as {@code /proc/self/fd} shows it: absolute, links resolved where possible. */
    private static Path realPath(String path) {
        try {
            return Path.of(path).toRealPath();
        } catch (IOException | RuntimeException e) {
            return Path.of(path).toAbsolutePath();
        }
    }
}
