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
     *     the agent could not start it ({@link AgentException.Reason#REQUEST_FAILED}, with the errno)
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
     * @throws InterruptedException if the thread is interrupted while waiting for the agent
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
     *     or for the reasons of {@link #exec(Exec)}
     * @throws java.io.UncheckedIOException if the host file cannot be read
     * @throws InterruptedException if the thread is interrupted
     */
    void copyToGuest(Path hostFile, String guestPath, int mode, Duration timeout) throws InterruptedException;

    /**
     * Copies a guest file to the host, checked by size and CRC-32; the host file is written through
     * a temporary file and a rename.
     *
     * @param guestPath the absolute path of a regular file in the guest
     * @param hostFile where to write it on the host
     * @param maxBytes the largest file accepted
     * @param timeout how long the copy may take, waiting for the agent included
     * @throws AgentException if the guest refused it (no such file, not a regular file, larger than
     *     {@code maxBytes}), or for the reasons of {@link #exec(Exec)}
     * @throws java.io.UncheckedIOException if the host file cannot be written
     * @throws InterruptedException if the thread is interrupted
     */
    void copyFromGuest(String guestPath, Path hostFile, long maxBytes, Duration timeout) throws InterruptedException;
}
