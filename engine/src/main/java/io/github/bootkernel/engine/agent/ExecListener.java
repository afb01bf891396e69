package io.github.bootkernel.engine.agent;

/**
 * Receives a running program's output as it arrives ({@link GuestAgent#start}). Called on the
 * channel's reader thread, in order per stream: it must be quick and must not block, or the guest's
 * output waits for it. The arrays are the listener's to keep.
 */
public interface ExecListener {

    /** A listener that keeps nothing (the output still reaches the {@link ExecResult}). */
    ExecListener NONE = new ExecListener() { };

    /**
     * @param chunk bytes the program wrote to its standard output
     */
    default void stdout(byte[] chunk) {
    }

    /**
     * @param chunk bytes the program wrote to its standard error
     */
    default void stderr(byte[] chunk) {
    }
}
