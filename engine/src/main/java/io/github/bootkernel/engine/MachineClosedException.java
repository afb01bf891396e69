package io.github.bootkernel.engine;

/**
 * A machine was used after {@link Machine#close()}: sending it input, for example. A programming
 * error, not a failure of KVM or the guest, so it is an {@link IllegalStateException} rather than an
 * {@link EngineException}. What the machine recorded stays readable after close: its configuration,
 * its {@link Machine#exit() exit} and its console history.
 */
public final class MachineClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** @param operation what was attempted, for the message */
    MachineClosedException(String operation) {
        super(operation + ": the machine is closed");
    }
}
