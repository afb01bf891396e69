package io.github.bootkernel.engine.agent;

/**
 * A {@link GuestAgent} over byte streams that its owner closes: see
 * {@link GuestAgents#over(java.io.InputStream, java.io.OutputStream, String)}.
 */
public interface AgentConnection extends GuestAgent, AutoCloseable {

    /**
     * Ends the channel: every request in flight, and every later one, fails with an
     * {@link io.github.bootkernel.engine.AgentException} ({@code GUEST_ENDED}). Then closes both
     * streams and stops the connection's threads, waiting for each at most 2 s. Idempotent.
     */
    @Override
    void close();
}
