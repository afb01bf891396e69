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
