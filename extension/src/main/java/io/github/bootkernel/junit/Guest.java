package io.github.bootkernel.junit;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import io.github.bootkernel.engine.console.Console;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.opentest4j.AssertionFailedError;

/**
 * A booted kernel handed to a test by {@link BootKernel @BootKernel}: a thin view of the engine's
 * {@link Machine} with the operations a test needs.
 *
 * <pre>{@code
 * @Test
 * void echoesInput(@BootKernel(kernel = "probe", cmdline = "probe.echo", awaitLine = "probe: ready") Guest guest)
 *         throws InterruptedException {
 *     guest.sendLine("hello");
 *     assertThat(guest.console()).emitsWithin(Duration.ofSeconds(5), "^hello$");
 *     guest.send("\u0004");
 *     assertThat(guest.awaitExit(Duration.ofSeconds(5)).status()).isZero();
 * }
 * }</pre>
 *
 * <p>The console stays readable after the guest ended, also after it was closed, so assertions
 * may run after the end; it keeps a bounded history (see {@code Console.maxHistoryBytes()}), the
 * newest lines when a guest floods it. A guest belongs to the test (or class) it was injected into; JUnit closes it when that
 * scope ends. Thread-safe: every guest has its own machine and console, and guests share nothing.
 */
public final class Guest implements AutoCloseable {

    private final Machine machine;
    private final String kernelName;
    private final String declaration;

    Guest(Machine machine, String kernelName, String declaration) {
        this.machine = Objects.requireNonNull(machine, "machine");
        this.kernelName = Objects.requireNonNull(kernelName, "kernelName");
        this.declaration = Objects.requireNonNull(declaration, "declaration");
    }

    /**
     * Returns the serial console, recorded from the first byte the guest wrote.
     *
     * @return the console: snapshots ({@code lines()}, {@code text()}, {@code tail(n)}), live
     *     {@code follow(consumer)}, {@code awaitLine(pattern, timeout)} and {@code stream()}
     */
    public Console console() {
        return machine.console();
    }

    /**
     * Returns the short name of the kernel this guest booted: its id ({@code debian-cloud}) or
     * its file name.
     *
     * @return the kernel's name
     */
    public String kernelName() {
        return kernelName;
    }

    /**
     * Returns what was booted: kernel and initrd files, the full command line, memory, time limit.
     *
     * @return the machine's configuration
     */
    public MachineConfig config() {
        return machine.config();
    }

    /**
     * Returns the engine's machine, for what this view does not offer (VM exit counts, raw input).
     *
     * @return the machine; do not close it, the guest's scope does
     */
    public Machine machine() {
        return machine;
    }

    /**
     * Sends bytes to the guest's serial input.
     *
     * @param data the bytes
     * @throws IllegalStateException if the input queue (64 KiB) is full: the guest is not reading
     *     its console; a prefix of {@code data} may have been queued
     * @throws io.github.bootkernel.engine.MachineClosedException after the guest's scope closed it
     */
    public void send(byte[] data) {
        int accepted = machine.sendInput(data);
        if (accepted < data.length) {
            throw new IllegalStateException("the serial input queue of " + this + " is full: it took " + accepted
                    + " of " + data.length + " bytes; the guest is not reading its console (wait for a prompt"
                    + " before typing)");
        }
    }

    /**
     * Sends text, UTF-8 encoded, to the guest's serial input, as typed: control characters
     * included (for example {@code "\u0004"} for Ctrl-D).
     *
     * @param text the text
     * @throws IllegalStateException if the input queue is full, see {@link #send(byte[])}
     * @throws io.github.bootkernel.engine.MachineClosedException after the guest's scope closed it
     */
    public void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends a line: the text followed by {@code "\n"}, which a Linux terminal in its default
     * (canonical) mode takes as Enter.
     *
     * @param line the text, without a line terminator
     * @throws IllegalStateException if the input queue is full, see {@link #send(byte[])}
     * @throws io.github.bootkernel.engine.MachineClosedException after the guest's scope closed it
     */
    public void sendLine(String line) {
        send(line + "\n");
    }

    /**
     * Returns how the guest ended, if it has.
     *
     * @return the end, or empty while the guest runs
     */
    public Optional<GuestExit> exit() {
        return machine.exit();
    }

    /**
     * Waits for the guest to end: it wrote an exit status, reset, powered off, panicked, crashed or
     * reached its time limit. It returns as soon as the guest ended, and the console then holds
     * everything the guest printed.
     *
     * @param timeout how long to wait
     * @return how the guest ended
     * @throws AssertionFailedError if it still runs after {@code timeout}; the message ends with
     *     the last console lines
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public GuestExit awaitExit(Duration timeout) throws InterruptedException {
        return machine.awaitExit(timeout).orElseThrow(() -> new AssertionFailedError(ConsoleTail.append(
                this + " did not end within " + timeout, console())));
    }

    /** Stops the guest if it still runs and releases its machine. Idempotent; JUnit calls it. */
    @Override
    public void close() {
        machine.close();
    }

    /** @return for example {@code guest 'parameter #0 of com.example.BootTest.boots(Guest)' (kernel probe)} */
    @Override
    public String toString() {
        return "guest '" + declaration + "' (kernel " + kernelName + ")";
    }
}
