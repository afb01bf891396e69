package io.github.bootkernel.engine;

import java.util.Objects;

/**
 * KVM cannot be used on this host, so no machine can start: the device node is missing or not
 * accessible, its KVM lacks what the monitor needs, or the native library cannot be loaded. The
 * {@link #availability()} says which, and the message how to fix it.
 */
public final class KvmUnavailableException extends EngineException {

    private static final long serialVersionUID = 1L;

    private final transient KvmAvailability availability;

    /**
     * @param availability the probe's finding; its {@link KvmAvailability#usable()} is false
     * @param cause the underlying failure, may be null
     */
    KvmUnavailableException(KvmAvailability availability, Throwable cause) {
        super(Objects.requireNonNull(availability, "availability").describe(), cause);
        this.availability = availability;
    }

    /**
     * Returns what the probe found.
     *
     * @return the availability, never usable
     */
    public KvmAvailability availability() {
        return availability;
    }
}
