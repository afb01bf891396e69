package io.github.bootkernel.engine.agent;

import java.time.Duration;
import java.util.Optional;

/** A program started by {@link GuestAgent#start} that may still run. Thread-safe. */
public interface Execution {

    /** @return what was started */
    Exec exec();

    /**
     * Sends a signal to the program's process group in the guest.
     *
     * @param signal a Linux signal number, for example 15 (SIGTERM) or 9 (SIGKILL)
     */
    void signal(int signal);

    /**
     * Waits for the program to end, at most {@code timeout} (its own time limit still applies).
     *
     * @param timeout how long to wait
     * @return how it ended, or empty if it still runs
     * @throws io.github.bootkernel.engine.AgentException if the guest ended or the channel broke first
     * @throws InterruptedException if the waiting thread is interrupted (the program keeps running)
     */
    Optional<ExecResult> await(Duration timeout) throws InterruptedException;
}
