package io.github.bootkernel.engine;

/**
 * KVM or the host refused a step while a machine was built, run or released, though KVM is
 * available and the inputs were accepted: an ioctl failed ({@code KVM_CREATE_VCPU: ENOMEM}),
 * guest memory could not be mapped, the vCPU thread did not stop in time. The message names the
 * step and, where there is one, the error number; the cause carries the low-level failure.
 */
public final class MachineException extends EngineException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the step that failed and why
     * @param cause the underlying failure, may be null
     */
    MachineException(String message, Throwable cause) {
        super(message, cause);
    }
}
