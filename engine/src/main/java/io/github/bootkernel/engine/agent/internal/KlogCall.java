package io.github.bootkernel.engine.agent.internal;

import io.github.bootkernel.engine.AgentException.Reason;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The KLOG request of one session ({@code docs/guest-agent-protocol.md}, "Stream the kernel's
 * log"): the agent's RECORDS frames become one {@link KlogReceiver#record} call per record, LOST
 * becomes {@link KlogReceiver#lost()}, and ERROR (the agent cannot read {@code /dev/kmsg})
 * {@link KlogReceiver#unavailable}. It is the request's {@link KlogSyncer}: each {@link #sync()}
 * sends SYNC and queues a result, which the next SYNCED completes with true (SYNCEDs answer SYNCs
 * in order); the request's end (ERROR, the channel's end, the agent's restart) completes every
 * queued result with false. A SYNCED with no SYNC queued is a bad frame. Nobody waits for it: it never ends normally, and its failure at
 * the channel's end or at an agent restart is silent ({@link AgentClient} asks again after the next
 * WELCOME).
 *
 * <p>A RECORDS payload that does not parse ({@link Payloads#records}: every length is checked
 * against what is left of the payload) is a bad frame, which ends the channel as any other does:
 * the agent builds these payloads itself, so a bad one means a bug or a foreign writer, not a
 * kernel's odd record. The records' bytes are the guest's and are handed on unchecked.
 *
 * <p>{@link #onFrame} runs on the channel's reader thread, and so do the receiver's calls. A
 * receiver that throws gets no more calls (the failure is logged once); the channel goes on.
 */
final class KlogCall extends Call implements KlogSyncer {

    private static final System.Logger LOG = System.getLogger(KlogCall.class.getName());

    private final KlogReceiver receiver;
    // The reader thread's only.
    private boolean receiving = true;
    // Guarded by this (Call's monitor): the results of the SYNCs sent and not yet answered, oldest first.
    private final Deque<CompletableFuture<Boolean>> syncs = new ArrayDeque<>();

    /**
     * @param channel the channel
     * @param receiver where the records go
     */
    KlogCall(Channel channel, KlogReceiver receiver) {
        super(channel, "stream the kernel log");
        this.receiver = Objects.requireNonNull(receiver, "receiver");
    }

    /**
     * The KLOG payload asking for the records from the receiver's next sequence number.
     *
     * @param receiver the receiver
     * @return the payload
     * @throws IllegalStateException if the receiver's next sequence number is negative
     */
    static byte[] payload(KlogReceiver receiver) {
        long from = receiver.nextSequence();
        if (from < 0) {
            throw new IllegalStateException("the kernel log receiver asks for sequence number " + from);
        }
        return new Payloads.Klog(from).encode();
    }

    @Override
    boolean onFrame(Frame f) throws BadFrameException {
        switch (f.type()) {
            case RECORDS:
                List<byte[]> records = Payloads.records(f.payload());
                for (byte[] r : records) {
                    deliver(() -> receiver.record(r));
                }
                return false;
            case LOST:
                Payloads.Lost.decode(f.payload()); // the hint is the agent's; the receiver counts from the sequence numbers
                deliver(receiver::lost);
                return false;
            case SYNCED: {
                if (f.payload().length != 0) {
                    throw unexpected(f, "SYNCED has an empty payload, this one has " + f.payload().length + " bytes");
                }
                CompletableFuture<Boolean> answered;
                synchronized (this) {
                    answered = syncs.pollFirst();
                }
                if (answered == null) {
                    throw unexpected(f, "SYNCED without a SYNC");
                }
                answered.complete(true);
                return false;
            }
            case ERROR:
                Payloads.ErrorReply error = Payloads.ErrorReply.decode(f.payload());
                String why = "the agent cannot stream the kernel log: " + error.message() + " (errno " + error.errno() + ")";
                deliver(() -> receiver.unavailable(why));
                fail(Reason.REQUEST_FAILED, why);
                return true;
            default:
                throw unexpected(f, f.type() + " is not an answer to KLOG");
        }
    }

    /**
     * In a clone's channel: the agent will answer {@code count} SYNCs its snapshot's source sent;
     * nobody waits for their answers here.
     *
     * @param count the SYNCs sent and not answered at the snapshot
     */
    synchronized void expectSynced(int count) {
        for (int i = 0; i < count; i++) {
            syncs.addLast(new CompletableFuture<>());
        }
    }

    /** @return the SYNCs sent and not yet answered */
    synchronized int pendingSyncs() {
        return syncs.size();
    }

    @Override
    public CompletableFuture<Boolean> sync() {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        synchronized (this) {
            // Queued before the SYNC goes out, so its SYNCED finds it; under the monitor, so the
            // request's end (onFailed) either sees it or comes first and is seen here.
            if (done()) {
                result.complete(false);
                return result;
            }
            syncs.addLast(result);
            if (!channel().send(this, FrameType.SYNC, new byte[0])) {
                syncs.removeLastOccurrence(result);
                result.complete(false);
            }
        }
        return result;
    }

    @Override
    void onFailed() {
        List<CompletableFuture<Boolean>> released = new ArrayList<>(syncs);
        syncs.clear();
        // complete() runs no code of the waiters here: they wait in get(), never with dependents.
        released.forEach(r -> r.complete(false));
    }

    private void deliver(Runnable call) {
        if (!receiving) {
            return;
        }
        try {
            call.run();
        } catch (RuntimeException e) {
            receiving = false;
            LOG.log(Level.WARNING, "the kernel log receiver of the agent on " + channel().description()
                    + " threw; it gets no more records", e);
        }
    }
}
