package io.github.bootkernel.engine.agent.internal;

import io.github.bootkernel.engine.AgentException.Reason;
import io.github.bootkernel.engine.agent.AgentConnection;
import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecListener;
import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.engine.agent.Execution;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The host side of the guest agent protocol ({@code docs/guest-agent-protocol.md}) over any pair
 * of byte streams: the machine wires it to the second UART, {@code GuestAgents.over} to anything
 * else. Thread-safe: any number of requests may be in flight, from any threads.
 *
 * <p>Every call waits for the agent's HELLO within its own time limit, honours its thread's
 * interrupt, and ends at once when the channel ends ({@link #end}, a bad frame, the agent's
 * FATAL, the end of {@code fromAgent}, {@link #close()}). The threads are those of {@link Channel}.
 *
 * <p>Given a {@link KlogReceiver}, the client streams the guest kernel's log: after every WELCOME
 * (the first connection and every restart of the agent) it sends KLOG from the receiver's
 * {@link KlogReceiver#nextSequence()}, and the records arrive at the receiver on the reader thread.
 * That request's failure at the channel's end is not reported to anyone.
 */
public final class AgentClient implements AgentConnection {

    private final Channel channel;

    /**
     * Starts reading {@code fromAgent} for the agent's HELLO.
     *
     * @param fromAgent the bytes the agent writes; its end is the end of the channel
     * @param toAgent the bytes the agent reads
     * @param description where the agent is, for messages, for example {@code "the machine booting
     *     bzImage"}
     */
    public AgentClient(InputStream fromAgent, OutputStream toAgent, String description) {
        this(fromAgent, toAgent, description, (KlogReceiver) null);
    }

    /**
     * Starts reading {@code fromAgent} for the agent's HELLO, and streams the kernel log to
     * {@code klog} once the agent is connected.
     *
     * @param fromAgent the bytes the agent writes; its end is the end of the channel
     * @param toAgent the bytes the agent reads
     * @param description where the agent is, for messages
     * @param klog where the guest kernel's records go; null: the client does not ask for them
     */
    public AgentClient(InputStream fromAgent, OutputStream toAgent, String description, KlogReceiver klog) {
        this(fromAgent, toAgent, description, ExecCall.KILL_GRACE, klog);
    }

    /**
     * Like {@link #AgentClient(InputStream, OutputStream, String, KlogReceiver)} with another grace
     * for the report of a program's end after its SIGKILL at the time limit: for tests.
     */
    AgentClient(InputStream fromAgent, OutputStream toAgent, String description, Duration killGrace,
            KlogReceiver klog) {
        this.channel = new Channel(fromAgent, toAgent, description, killGrace, klog);
        channel.start();
    }

    private AgentClient(Channel channel) {
        this.channel = channel;
    }

    /**
     * A clone's client: it continues the session of {@code state}'s channel with the same run of
     * the agent, and sends RESEED first (see {@link #capture()} and
     * {@code docs/guest-agent-protocol.md}, "Reseed a clone"). It starts nothing: {@link #start()}
     * does, once the transport holds the snapshot's bytes (the UART's saved host queue).
     *
     * @param fromAgent the bytes the agent writes from the clone on
     * @param toAgent the bytes the agent reads
     * @param description where the agent is, for messages
     * @param klog where the kernel log's records go; null: none (as in the snapshot's machine)
     * @param state the snapshot's channel state
     * @return the client, not started
     * @throws IllegalArgumentException if the state streams the kernel log and {@code klog} is null
     */
    public static AgentClient restored(InputStream fromAgent, OutputStream toAgent, String description,
            KlogReceiver klog, ChannelState state) {
        return new AgentClient(new Channel(fromAgent, toAgent, description, ExecCall.KILL_GRACE, klog,
                Objects.requireNonNull(state, "state")));
    }

    /**
     * Starts the threads of a {@linkplain #restored restored} client: once only.
     *
     * @throws IllegalThreadStateException if they were started already
     */
    public void start() {
        channel.start();
    }

    /**
     * Holds the channel for a snapshot: callers' new requests wait until {@link #thaw()} or the
     * channel's end; the writer finishes the frame it is writing and takes no other.
     *
     * @param timeout how long the frame being written may take to be taken by the transport
     * @return false if it was not taken (the guest's agent is not reading); the client stays frozen
     * @throws InterruptedException if the thread is interrupted; the client stays frozen
     */
    public boolean freeze(Duration timeout) throws InterruptedException {
        return channel.freeze(Deadline.after(timeout));
    }

    /** Lets a {@linkplain #freeze frozen} client go on: the snapshot failed and the guest runs on. */
    public void thaw() {
        channel.thaw();
    }

    /**
     * Captures what the host knows of the channel, for a snapshot: call with the client frozen,
     * the guest held, and the transport's reader waiting for bytes with none left to read.
     *
     * @return the state a clone's client starts from ({@link #restored})
     * @throws IllegalStateException if the channel has ended, or a caller's request is in flight
     *     (the message names them)
     */
    public ChannelState capture() {
        return channel.capture();
    }

    /**
     * Ends the channel because the guest ended: every request in flight, and every later one,
     * fails with {@link Reason#GUEST_ENDED} and {@code why}. Does nothing once the channel has ended.
     *
     * @param why how the guest ended, for the messages, for example {@code "the guest ended (exit
     *     status 3)"}
     */
    public void end(String why) {
        channel.end(Reason.GUEST_ENDED, Objects.requireNonNull(why, "why"));
    }

    @Override
    public boolean isConnected() {
        return channel.isConnected();
    }

    @Override
    public void awaitConnected(Duration timeout) throws InterruptedException {
        channel.awaitSession(Deadline.after(timeout), "wait for the agent");
    }

    @Override
    public ExecResult exec(Exec exec) throws InterruptedException {
        ExecCall call = launch(exec, ExecListener.NONE);
        try {
            return call.awaitResult();
        } catch (InterruptedException e) {
            call.abandon();
            throw e;
        }
    }

    @Override
    public Execution start(Exec exec, ExecListener listener) throws InterruptedException {
        ExecCall call = launch(exec, listener);
        try {
            call.awaitStarted();
        } catch (InterruptedException e) {
            call.abandon();
            throw e;
        }
        return call;
    }

    @Override
    public void copyToGuest(Path hostFile, String guestPath, int mode, Duration timeout) throws InterruptedException {
        PutCall.copy(channel, hostFile, guestPath, mode, timeout);
    }

    @Override
    public void copyFromGuest(String guestPath, Path hostFile, long maxBytes, Duration timeout)
            throws InterruptedException {
        GetCall.copy(channel, guestPath, hostFile, maxBytes, timeout);
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public String toString() {
        return "the agent on " + channel.description();
    }

    private ExecCall launch(Exec exec, ExecListener listener) throws InterruptedException {
        long start = System.nanoTime();
        Deadline deadline = Deadline.after(exec.timeout());
        byte[] payload = ExecCall.payload(exec);
        ExecCall call = new ExecCall(channel, exec, Objects.requireNonNull(listener, "listener"), start, deadline);
        channel.submit(call, deadline, FrameType.EXEC, payload);
        call.startTimeLimit();
        return call;
    }
}
