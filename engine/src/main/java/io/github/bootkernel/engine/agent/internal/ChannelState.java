package io.github.bootkernel.engine.agent.internal;

import java.util.List;
import java.util.Objects;

/**
 * What the host side of one agent channel knows at a snapshot, so that a clone's client continues
 * the same session with the same run of the agent (its state is in the guest's RAM, which the
 * clone shares): whether the handshake was done and what it chose, the next request id, the
 * kernel log's request, the bytes of a frame from the agent read only partly, and the frames for
 * the agent not yet written to the transport. Taken by {@link AgentClient#capture()}, given to
 * {@link AgentClient#restored}. Immutable.
 *
 * <p>The bytes the transport itself holds are not here: the UART's host queue (written, not yet
 * read by the guest) is in its own saved state, and the guest's output was all read (the
 * snapshot waits for that) before the capture.
 *
 * @param sessionId the number of the session the agent's HELLO opened (1 for the first); 0 while
 *     the agent had not said HELLO
 * @param agent the agent's name from that HELLO; empty without a session
 * @param version the protocol version WELCOME chose; 0 without a session
 * @param nextId the request id to try next
 * @param klogId the id of the session's KLOG request; 0 for none (no kernel log, or it ended)
 * @param pendingSyncs SYNCs sent on the KLOG request and not yet answered: the agent (in the
 *     guest's RAM) will answer them in the clone, which has nobody waiting for them
 * @param partialFrame the first bytes of the agent's next frame, read and not yet whole
 * @param partialOffset the stream offset of the first of them
 * @param outgoing frames for the agent, encoded, not yet written to the transport, oldest first
 */
public record ChannelState(int sessionId, String agent, int version, int nextId, int klogId, int pendingSyncs,
                           byte[] partialFrame, long partialOffset, List<byte[]> outgoing) {

    /** Checks the values and copies the arrays. */
    public ChannelState {
        Objects.requireNonNull(agent, "agent");
        if (sessionId < 0 || (sessionId == 0) != (version == 0)) {
            throw new IllegalArgumentException("session " + sessionId + " with version " + version);
        }
        if (sessionId == 0 && (klogId != 0 || pendingSyncs != 0 || !outgoing.isEmpty())) {
            throw new IllegalArgumentException("a channel without a session has no requests and sends nothing");
        }
        if (pendingSyncs < 0 || partialOffset < 0) {
            throw new IllegalArgumentException(pendingSyncs + " pending SYNCs, partial frame at " + partialOffset);
        }
        if (klogId == 0 && pendingSyncs != 0) {
            throw new IllegalArgumentException("SYNCs pending without a KLOG request");
        }
        partialFrame = partialFrame.clone();
        outgoing = outgoing.stream().map(byte[]::clone).toList();
    }

    /** A state without a session: the agent had not said HELLO. */
    static ChannelState waiting(int nextId, FrameReader.PartialFrame partial) {
        return new ChannelState(0, "", 0, nextId, 0, 0, partial.bytes(), partial.offset(), List.of());
    }

    /** @return whether the agent had said HELLO and been answered */
    public boolean connected() {
        return sessionId != 0;
    }

    /** @return the session, for a connected state */
    Channel.Session session() {
        return new Channel.Session(sessionId, agent, version);
    }

    @Override
    public byte[] partialFrame() {
        return partialFrame.clone();
    }

    @Override
    public List<byte[]> outgoing() {
        return outgoing.stream().map(byte[]::clone).toList();
    }

    @Override
    public String toString() {
        return "ChannelState[" + (sessionId == 0 ? "waiting for HELLO" : "session " + sessionId + " with \"" + agent
                + "\", version " + version) + ", next id " + Integer.toUnsignedString(nextId)
                + ", KLOG " + Integer.toUnsignedString(klogId) + " with " + pendingSyncs + " SYNCs pending, "
                + partialFrame.length + " bytes of a frame at " + partialOffset + ", " + outgoing.size()
                + " frames to send]";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ChannelState s)) {
            return false;
        }
        if (s.outgoing.size() != outgoing.size()) {
            return false;
        }
        for (int i = 0; i < outgoing.size(); i++) {
            if (!java.util.Arrays.equals(s.outgoing.get(i), outgoing.get(i))) {
                return false;
            }
        }
        return s.sessionId == sessionId && s.agent.equals(agent) && s.version == version && s.nextId == nextId && s.klogId == klogId
                && s.pendingSyncs == pendingSyncs && java.util.Arrays.equals(s.partialFrame, partialFrame)
                && s.partialOffset == partialOffset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, agent, version, nextId, klogId, pendingSyncs, partialOffset) * 31
                + java.util.Arrays.hashCode(partialFrame);
    }
}
