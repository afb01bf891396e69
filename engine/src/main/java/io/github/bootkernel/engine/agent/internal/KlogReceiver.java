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
}
