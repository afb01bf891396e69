package io.github.bootkernel.engine.agent.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The RESEED request a clone's client sends first ({@code docs/guest-agent-protocol.md}, "Reseed a
 * clone"): {@value Payloads#MIN_RESEED_BYTES} bytes from the host's {@link SecureRandom} and the
 * host's wall clock. The agent answers DONE once it added the bytes to the kernel's pool
 * ({@code RNDADDENTROPY}), reseeded the CRNG ({@code RNDRESEEDCRNG}) and set
 * {@code CLOCK_REALTIME}; or ERROR naming the call that failed and its errno. The outcome goes to
 * the channel, which holds callers' requests until it and refuses them after a failure.
 */
final class ReseedCall extends Call {

    /** One generator for every clone: {@code SecureRandom} is thread-safe. */
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Consumer<String> outcome;

    /**
     * @param channel the channel
     * @param outcome told once, on the reader thread: null when the agent reseeded, else why not
     *     in words (the call and errno), for messages
     */
    ReseedCall(Channel channel, Consumer<String> outcome) {
        super(channel, "reseed the clone's random state and set its clock");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
    }

    /**
     * A RESEED payload with fresh entropy and the wall clock now.
     *
     * @return the payload
     */
    static byte[] payload() {
        byte[] entropy = new byte[Payloads.MIN_RESEED_BYTES];
        RANDOM.nextBytes(entropy);
        Instant now = Instant.now();
        long nanos = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
        return new Payloads.Reseed(nanos, entropy).encode();
    }

    @Override
    boolean onFrame(Frame f) throws BadFrameException {
        switch (f.type()) {
            case DONE:
                Payloads.empty(f.payload());
                succeed();
                outcome.accept(null);
                return true;
            case ERROR:
                Payloads.ErrorReply error = Payloads.ErrorReply.decode(f.payload());
                String why = "the agent could not reseed the clone: " + error.message() + " (errno " + error.errno() + ")";
                failWith(error, "the agent could not");
                outcome.accept(why);
                return true;
            default:
                throw unexpected(f, f.type() + " is not an answer to RESEED");
        }
    }
}
