package io.github.bootkernel.engine.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A program to run in the guest: its arguments, environment additions, working directory and time
 * limit. Immutable; each {@code with...} method returns a new instance. One request carries it
 * whole: arguments, environment and directory together take at most 64 KiB of the protocol's
 * encoding ({@link GuestAgent#exec} refuses more).
 *
 * <pre>{@code
 * Exec.of("/bin/ls", "-l", "/proc/self/fd")
 * Exec.shell("dmesg | tail -5").env("LC_ALL", "C").workdir("/tmp").timeout(Duration.ofSeconds(10))
 * }</pre>
 */
public final class Exec {

    /** The time limit unless one is given: 60 s. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Most arguments, and most environment entries, one request may carry (the protocol's limit). */
    public static final int MAX_ENTRIES = 1024;
    /** Longest argument, environment entry or directory, in UTF-8 bytes (the protocol's limit). */
    public static final int MAX_STRING_BYTES = 4096;

    private final List<String> command;
    private final Map<String, String> env;
    private final String workdir;
    private final Duration timeout;

    private Exec(List<String> command, Map<String, String> env, String workdir, Duration timeout) {
        this.command = List.copyOf(command);
        this.env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        this.workdir = workdir;
        this.timeout = timeout;
    }

    /**
     * A program and its arguments, run directly (no shell): {@code argv[0]} is a path, or a name
     * looked up in the guest's {@code PATH}.
     *
     * @param argv the program and its arguments, at least one
     * @return the request, with no environment additions, the working directory {@code /} and
     *     {@link #DEFAULT_TIMEOUT}
     * @throws IllegalArgumentException if {@code argv} is empty, too long, or holds a NUL character
     */
    public static Exec of(String... argv) {
        return of(List.of(argv));
    }

    /**
     * Like {@link #of(String...)} with a list.
     *
     * @param argv the program and its arguments, at least one
     * @return the request
     */
    public static Exec of(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least the program to run");
        }
        check("argument", argv);
        return new Exec(argv, Map.of(), null, DEFAULT_TIMEOUT);
    }

    /**
     * A shell command line, run as {@code /bin/sh -c command}.
     *
     * @param command the command line
     * @return the request
     */
    public static Exec shell(String command) {
        return of("/bin/sh", "-c", Objects.requireNonNull(command, "command"));
    }

    /**
     * Adds (or replaces) an environment variable for the program.
     *
     * @param name the name, without {@code =}
     * @param value the value
     * @return a new request
     */
    public Exec env(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || name.indexOf('=') >= 0) {
            throw new IllegalArgumentException("an environment variable name must be non-empty and have no '=': '"
                    + name + "'");
        }
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(name, value);
        check("environment entry", List.of(name + "=" + value));
        if (more.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " environment entries");
        }
        return new Exec(command, more, workdir, timeout);
    }

    /**
     * Sets the working directory.
     *
     * @param directory an absolute path in the guest
     * @return a new request
     */
    public Exec workdir(String directory) {
        Objects.requireNonNull(directory, "directory");
        if (!directory.startsWith("/")) {
            throw new IllegalArgumentException("the working directory must be an absolute path: '" + directory + "'");
        }
        check("working directory", List.of(directory));
        return new Exec(command, env, directory, timeout);
    }

    /**
     * Sets the time limit: after it the program is killed with SIGKILL and its result is
     * {@linkplain ExecResult#timedOut() timed out}. The wait for the agent to connect counts too.
     *
     * @param limit a positive duration
     * @return a new request
     */
    public Exec timeout(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a time limit must be positive, got " + limit);
        }
        return new Exec(command, env, workdir, limit);
    }

    /** @return the program and its arguments */
    public List<String> command() {
        return command;
    }

    /** @return the environment additions, in the order given */
    public Map<String, String> env() {
        return env;
    }

    /** @return the working directory, empty for {@code /} */
    public Optional<String> workdir() {
        return Optional.ofNullable(workdir);
    }

    /** @return the time limit */
    public Duration timeout() {
        return timeout;
    }

    /** @return the command as one line, for messages: arguments with spaces quoted */
    @Override
    public String toString() {
        List<String> words = new ArrayList<>();
        for (String a : command) {
            words.add(a.isEmpty() || a.chars().anyMatch(c -> c == ' ' || c == '\'' || c == '"')
                    ? "'" + a.replace("'", "'\\''") + "'" : a);
        }
        return String.join(" ", words);
    }

    private static void check(String what, List<String> values) {
        if (values.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " " + what + "s, got " + values.size());
        }
        for (String v : values) {
            Objects.requireNonNull(v, what);
            if (v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a " + what + " cannot hold a NUL character: '" + v + "'");
            }
            if (v.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
                throw new IllegalArgumentException("a " + what + " is longer than " + MAX_STRING_BYTES + " bytes");
            }
        }
    }
}
