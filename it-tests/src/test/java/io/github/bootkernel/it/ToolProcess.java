package io.github.bootkernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar bootkernel.jar} as a child process, the way a shell starts it: its stdout is
 * collected in the background so a test can wait for a line, its stdin stays open until the test
 * closes it, and it can be sent signals. Closing kills it if it still runs.
 */
final class ToolProcess implements AutoCloseable {

    private final Process process;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream(); // guarded by itself
    private final Thread reader;

    private ToolProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::collect, "tool-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** The jar under test, built by the engine module's package phase. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("bootkernel.jar", "../engine/target/bootkernel.jar"));
        assertThat(jar).as("the shaded command-line jar, built by the engine module").exists();
        return jar;
    }

    /** {@code java -jar bootkernel.jar} followed by {@code args}. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Starts a process whose stdout this object collects.
     *
     * @param builder the process; its stdout must be a pipe (the default)
     */
    static ToolProcess start(ProcessBuilder builder) throws IOException {
        return new ToolProcess(builder.start());
    }

    private void collect() {
        byte[] buf = new byte[8192];
        try (InputStream in = process.getInputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (stdout) {
                    stdout.write(buf, 0, n);
                    stdout.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** @return everything the process wrote to stdout so far */
    String stdout() {
        synchronized (stdout) {
            return stdout.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * Waits until stdout contains {@code text}.
     *
     * @throws AssertionError with the output so far if it does not within {@code timeout}
     */
    void awaitStdout(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stdout) {
            while (!stdout.toString(StandardCharsets.ISO_8859_1).contains(text)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no '" + text + "' on stdout within " + timeout + "; stdout:\n" + stdout());
                }
                TimeUnit.NANOSECONDS.timedWait(stdout, left);
            }
        }
    }

    /** Writes to the process's stdin and flushes. */
    void type(String text) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write(text.getBytes(StandardCharsets.ISO_8859_1));
        in.flush();
    }

    /** Sends this process a signal, by name ({@code INT}, {@code TERM}). */
    void signal(String name) throws IOException, InterruptedException {
        assertThat(kill(process.pid(), name)).as("kill -%s %d", name, process.pid()).isTrue();
    }

    /**
     * Sends a process a signal, by name ({@code INT}, {@code TERM}), with the shell's {@code kill}
     * builtin ({@code /bin/kill} comes with procps, which a minimal Debian lacks).
     *
     * @return whether {@code kill} succeeded (it fails if the process is gone)
     */
    static boolean kill(long pid, String name) throws IOException, InterruptedException {
        return new ProcessBuilder("/bin/sh", "-c", "kill -" + name + " " + pid).inheritIO().start().waitFor() == 0;
    }

    /**
     * Waits for the process to end and for its stdout to be read to the end.
     *
     * @return its exit status
     * @throws AssertionError if it does not end within {@code timeout}
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        boolean ended = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        assertThat(ended).as("the tool ended within %s; stdout:\n%s", timeout, stdout()).isTrue();
        reader.join(TimeUnit.SECONDS.toMillis(10));
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
