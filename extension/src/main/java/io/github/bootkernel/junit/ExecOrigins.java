package io.github.bootkernel.junit;

import io.github.bootkernel.engine.agent.ExecResult;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * Which {@link Guest} produced an {@link ExecResult}, so that {@link ExecResultAssert}'s failure
 * messages can end with that guest's console tail while {@code Guest.exec} returns the engine's
 * own result type. The keys are weak and compared by identity ({@code ExecResult} keeps
 * {@code Object}'s {@code equals}), so an entry lives exactly as long as its result is reachable.
 */
final class ExecOrigins {

    private static final Map<ExecResult, Guest> GUESTS = Collections.synchronizedMap(new WeakHashMap<>());

    private ExecOrigins() {
    }

    /** Records the guest of a result and returns the result. */
    static ExecResult remember(ExecResult result, Guest guest) {
        GUESTS.put(result, guest);
        return result;
    }

    /** The guest a result came from, or empty for a result that did not come through a guest. */
    static Optional<Guest> guestOf(ExecResult result) {
        return Optional.ofNullable(GUESTS.get(result));
    }
}
