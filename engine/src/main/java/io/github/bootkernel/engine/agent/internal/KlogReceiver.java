package io.github.bootkernel.engine.agent.internal;

/**
 * Where the agent channel delivers the kernel's records (the KLOG request of
 * docs/guest-agent-protocol.md). Called on the channel's reader thread: implementations must be
 * quick and must not block.
 */
public interface KlogReceiver {

    /**
     * @return the sequence number to ask for when (re)subscribing: one past the last record
     *     received, 0 before any
     */
    long nextSequence();

    /**
     * One raw record, exactly as one read(2) of /dev/kmsg returned it; guest-controlled, unchecked.
     *
     * @param raw the bytes; the receiver owns the array
     */
    void record(byte[] raw);

    /** The agent saw its read of /dev/kmsg fail with EPIPE: records were overwritten. */
    void lost();

    /**
     * The agent could not stream the kernel log: it answered KLOG with ERROR.
     *
     * @param why the agent's message and errno, in words
     */
    void unavailable(String why);

    /**
     * A KLOG request was sent (after every WELCOME: the first connection and each restart of the
     * agent); {@code syncer} asks its agent whether the host has caught up. The previous one's
     * results complete with false (its request ended). Called before the request's first frame is
     * handed on. The default does nothing.
     *
     * @param syncer the request's syncer; usable on any thread
     */
    default void streaming(KlogSyncer syncer) {
    }
}
