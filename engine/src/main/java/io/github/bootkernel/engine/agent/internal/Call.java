package io.github.bootkernel.engine.agent.internal;

import io.github.bootkernel.engine.AgentException;
import java.util.Objects;

/**
 * A request in flight: what the host asked, the frames the agent answers with, and the caller
 * waiting for its end. Two states are apart: the request's <em>wire</em> end (its last frame
 * arrived, so the channel forgets its id) and its <em>host</em> end (the caller has a result or a
 * failure). A caller may give up first (its time limit, an interrupt): the channel keeps the
 * request until its last frame and discards the rest of its answer.
 *
 * <p>{@link #onFrame} runs on the channel's reader thread; everything else may run on any thread.
 * The host end is guarded by this object's monitor, which waiters wait on.
 */
abstract class Call {

    private final Channel channel;
    private final String what;
    private int id;
    private int session;
    // Guarded by this.
    private boolean done;
    private Failure failure;

    /**
     * @param channel the channel it goes over
     * @param what the request for messages, for example {@code "run 'ls -l'"}
     */
    Call(Channel channel, String what) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.what = Objects.requireNonNull(what, "what");
    }

    /** Called by the channel when it registers the request, before its first frame is sent. */
    final synchronized void bind(int requestId, int sessionId) {
        this.id = requestId;
        this.session = sessionId;
    }

    /** @return the request id */
    final synchronized int id() {
        return id;
    }

    /** @return the session the request belongs to */
    final synchronized int session() {
        return session;
    }

    /** @return the request for messages */
    final String what() {
        return what;
    }

    /** @return the channel it goes over */
    final Channel channel() {
        return channel;
    }

    /**
     * Handles one frame of this request, on the reader thread.
     *
     * @param frame the frame
     * @return true if it was the request's last frame
     * @throws BadFrameException if the request does not expect it: the channel is then over
     * @throws MalformedPayloadException if its payload does not parse: the channel is then over
     */
    abstract boolean onFrame(Frame frame) throws BadFrameException;

    /**
     * Ends the request for its caller with a failure, unless it has ended already.
     *
     * @param why the failure
     * @return whether this ended it
     */
    final synchronized boolean fail(Failure why) {
        if (done) {
            return false;
        }
        done = true;
        failure = why;
        onFailed();
        notifyAll();
        return true;
    }

    /**
     * Ends the request for its caller with a failure naming it.
     *
     * @param reason why
     * @param why the details, for example {@code "the guest ended (exit status 3)"}
     * @return whether this ended it
     */
    final boolean fail(AgentException.Reason reason, String why) {
        return fail(Failure.of(reason, "cannot " + what + ": " + why));
    }

    /**
     * Ends the request for its caller with the agent's ERROR: {@link AgentException.Reason#REQUEST_FAILED}
     * with the guest's errno.
     *
     * @param error the ERROR's payload
     * @param how what the agent did, for the message, for example {@code "the agent refused it"}
     */
    final void failWith(Payloads.ErrorReply error, String how) {
        fail(new Failure(AgentException.Reason.REQUEST_FAILED, "cannot " + what + ": " + how + ": " + error.message()
                + " (errno " + error.errno() + ")", (int) Math.min(error.errno(), Integer.MAX_VALUE), null));
    }

    /** Ends the request for its caller with success, unless it has ended already. */
    final synchronized void succeed() {
        if (!done) {
            done = true;
            notifyAll();
        }
    }

    /** Cleans up after a failure: runs once, holding the monitor. */
    void onFailed() {
    }

    /** @return whether the request has ended for its caller */
    final synchronized boolean done() {
        return done;
    }

    /**
     * Waits until the request has ended for its caller, at most until {@code deadline}.
     *
     * @param deadline when to stop waiting
     * @return whether it has ended
     * @throws InterruptedException if the thread is interrupted
     */
    final synchronized boolean awaitDone(Deadline deadline) throws InterruptedException {
        while (!done) {
            if (!deadline.await(this)) {
                return false;
            }
        }
        return true;
    }

    /** Throws the failure, if the request ended with one. */
    final synchronized void throwIfFailed() {
        if (failure != null) {
            throw failure.toException();
        }
    }

    /**
     * A frame this request does not expect now.
     *
     * @param frame the frame
     * @param why what was expected, for the message
     * @return the exception that ends the channel
     */
    static BadFrameException unexpected(Frame frame, String why) {
        return new BadFrameException(frame, why);
    }
}
