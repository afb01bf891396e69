package io.github.bootkernel.engine.agent.internal;

import java.util.concurrent.CompletableFuture;

/**
 * Asks the agent of one KLOG request to say when it has read the kernel's ring to its end (SYNC and
 * SYNCED of docs/guest-agent-protocol.md, "Stream the kernel's log"). The channel hands one to its
 * {@link KlogReceiver} for each KLOG request it sends ({@link KlogReceiver#streaming}).
 */
public interface KlogSyncer {

    /**
     * Sends SYNC; never waits. The result completes with true when the agent's SYNCED arrives: the
     * RECORDS frames before it hold every record the kernel's ring held when the agent got the SYNC
     * (less the gaps the ring overwrote), and they were handed to the receiver before the result
     * completed. It completes with false when the request ends first: the channel's end, the
     * agent's restart, the agent's ERROR on the KLOG, or a SYNC asked after any of these. SYNCEDs
     * complete the results in the order they were asked for. A caller that stops waiting may leave
     * its result: it completes all the same.
     *
     * @return the answer to come
     */
    CompletableFuture<Boolean> sync();
}
