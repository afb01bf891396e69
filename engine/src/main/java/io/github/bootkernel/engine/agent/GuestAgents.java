package io.github.bootkernel.engine.agent;

import io.github.bootkernel.engine.agent.internal.AgentClient;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Guest agents on transports of your choice: {@link io.github.bootkernel.engine.Machine#agent()} reaches the agent of a
 * machine on its second serial port; {@link #over} reaches one on any pair of byte streams, for
 * example {@code bootkernel-agent --stdio} run as a host process, or a socket to a guest.
 *
 * <pre>{@code
 * Process agent = new ProcessBuilder("bootkernel-agent", "--stdio").start();
 * try (AgentConnection connection = GuestAgents.over(agent.getInputStream(), agent.getOutputStream(),
 *         "bootkernel-agent --stdio")) {
 *     connection.awaitConnected(Duration.ofSeconds(5));
 *     ExecResult result = connection.exec(Exec.of("uname", "-r"));
 * }
 * }</pre>
 *
 * @see io.github.bootkernel.engine.Machine#agent()
 */
public final class GuestAgents {

    private GuestAgents() {
    }

    /**
     * Speaks the host side of the guest agent protocol ({@code docs/guest-agent-protocol.md}) over
     * two byte streams. The connection reads {@code fromAgent} on a thread of its own from now on
     * and writes {@code toAgent} on another; it sends nothing before the agent's {@code HELLO}.
     * The end of {@code fromAgent} ends the channel: requests then fail with
     * {@link io.github.bootkernel.engine.AgentException.Reason#GUEST_ENDED}.
     *
     * <p>The streams may block (a transport's backpressure): every request still ends within its
     * own time limit. {@link AgentConnection#close()} closes both streams, and needs them to
     * unblock a read or write in progress when closed or when the thread is interrupted (as
     * {@link java.io.PipedInputStream}, sockets' and processes' streams do).
     *
     * @param fromAgent the bytes the agent writes
     * @param toAgent the bytes the agent reads
     * @param description where the agent is, for messages, for example {@code "the guest on vm-1"}
     * @return the connection; close it when done
     */
    public static AgentConnection over(InputStream fromAgent, OutputStream toAgent, String description) {
        return new AgentClient(fromAgent, toAgent, description);
    }
}
