package io.github.bootkernel.engine.agent;

import io.github.bootkernel.engine.AgentException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The agent in a running guest, reached over the second serial port (ttyS1) with the protocol of
 * {@code docs/guest-agent-protocol.md}: runs programs and copies files. Several requests may be in
 * flight at once, from any threads.
 *
 * <pre>{@code
 * ExecResult result = machine.agent().exec(Exec.shell("echo out; echo err >&2; exit 7"));
 * result.exitCode();   // OptionalInt[7]
 * result.stdout();     // "out\n"
 * result.stderr();     // "err\n"
 * }</pre>
 *
 * <p>Every call waits for the agent to connect first (its {@code HELLO}), within the call's own time
 * limit, and ends at once with an {@link AgentException} when the guest ends, when the channel
 * breaks, or when the machine was started without an agent
 * ({@code MachineConfig.Builder.agent(true)}).
 */
public interface GuestAgent {

    /**
     * Tells whether the agent has connected and the channel is open.
     *
     * @return true after the agent's {@code HELLO} was answered and until the channel ends
     */
    boolean isConnected();

    /**
     * Waits until the agent has connected.
     *
     * @param timeout how long to wait at most
     * @throws AgentException if the machine has no agent, the guest ended first, the channel broke,
     *     or the timeout passed ({@link AgentException.Reason#NOT_CONNECTED})
     * @throws InterruptedException if the waiting thread is interrupted
     */
    void awaitConnected(Duration timeout) throws InterruptedException;

    /**
     * Runs a program in the guest and waits for it to end (or for its time limit, after which it is
     * killed with SIGKILL and the result says {@link ExecResult#timedOut() timed out}).
     *
     * @param exec what to run
     * @return how it ended and what it printed
     * @throws AgentException if it could not run: no agent, the guest ended, the channel broke, or
     *     the agent could not start it ({@link AgentException.Reason#REQUEST_FAILED}, with the errno);
     *     also {@code REQUEST_FAILED}, without an errno, if the agent did not report the program's
     *     end within 10 s of its SIGKILL at the time limit
     * @throws IllegalArgumentException if the arguments, environment and directory together do not
     *     fit one request of the protocol (64 KiB)
     * @throws InterruptedException if the waiting thread is interrupted; the program is then killed
     */
    ExecResult exec(Exec exec) throws InterruptedException;

    /**
     * Starts a program in the guest and hands its output to {@code listener} as it arrives, without
     * waiting for its end.
     *
     * @param exec what to run
     * @param listener receives stdout and stderr chunks in order, on the channel's reader thread: it
     *     must be quick and must not block
     * @return the running program
     * @throws AgentException as for {@link #exec(Exec)}, for a program that could not start
     * @throws IllegalArgumentException as for {@link #exec(Exec)}
     * @throws InterruptedException if the thread is interrupted while waiting for the agent or for
     *     the program's start; the program is then killed
     */
    Execution start(Exec exec, ExecListener listener) throws InterruptedException;

    /**
     * Copies a host file into the guest, checked by size and CRC-32; the guest file appears
     * complete or not at all.
     *
     * @param hostFile a regular file on the host
     * @param guestPath the absolute path in the guest; its directory must exist
     * @param mode the permission bits, for example {@code 0755}
     * @param timeout how long the copy may take, waiting for the agent included
     * @throws AgentException if the guest refused it (for example ENOENT for a missing directory),
     *     {@code REQUEST_FAILED} without an errno if it did not finish within {@code timeout} (the
     *     guest file is then complete or absent), or for the reasons of {@link #exec(Exec)}
     * @throws java.io.UncheckedIOException if the host file cannot be read
     * @throws IllegalArgumentException if {@code guestPath} is not absolute or longer than 4,096
     *     bytes, or {@code mode} is above {@code 07777}
     * @throws InterruptedException if the thread is interrupted; the guest file is then not written
     */
    void copyToGuest(Path hostFile, String guestPath, int mode, Duration timeout) throws InterruptedException;

    /**
     * Copies a guest file to the host, checked by size and CRC-32; the host file is written through
     * a temporary file in its directory and a rename, and gets the guest file's rwx permission bits.
     *
     * @param guestPath the absolute path of a regular file in the guest
     * @param hostFile where to write it on the host
     * @param maxBytes the largest file accepted
     * @param timeout how long the copy may take, waiting for the agent included
     * @throws AgentException if the guest refused it (no such file, not a regular file, larger than
     *     {@code maxBytes}), {@code REQUEST_FAILED} without an errno if it did not finish within
     *     {@code timeout} or arrived with the wrong size or CRC-32, or for the reasons of
     *     {@link #exec(Exec)}; the host file is then as it was
     * @throws java.io.UncheckedIOException if the host file cannot be written
     * @throws IllegalArgumentException if {@code guestPath} is not absolute or longer than 4,096
     *     bytes, or {@code maxBytes} is negative
     * @throws InterruptedException if the thread is interrupted; the host file is then as it was
     */
    void copyFromGuest(String guestPath, Path hostFile, long maxBytes, Duration timeout) throws InterruptedException;
}
