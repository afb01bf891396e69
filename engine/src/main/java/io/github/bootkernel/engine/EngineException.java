package io.github.bootkernel.engine;

/**
 * The root of every failure the engine reports for a machine it cannot start or run. Sealed: a
 * caller that handles these cases handles all of them.
 *
 * <ul>
 *   <li>{@link KvmUnavailableException}: KVM cannot be used on this host (no device, no permission,
 *       an unsuitable KVM, the native library cannot load). Nothing about the inputs is wrong;
 *       the same call succeeds on a machine with KVM. A test framework aborts rather than fails.
 *   <li>{@link BootImageException}: the kernel, initrd or command line cannot be booted (the input
 *       is named). Fix the input.
 *   <li>{@link MachineException}: KVM or the host refused a step while building or running a
 *       machine whose inputs were fine (an ioctl failed, memory could not be mapped, the vCPU
 *       thread did not stop). The message names the step and the error number.
 *   <li>{@link AgentException}: a request to the guest agent (run a command, copy a file) could not
 *       be carried out; its reason says why.
 *   <li>{@link SnapshotFileException}: a snapshot file cannot be written or used (missing,
 *       damaged, of another format, host or configuration); its reason says which.
 * </ul>
 *
 * <p>A guest that crashes, panics or times out is not an exception: it is a {@link GuestExit}.
 * Using a machine after {@link Machine#close()} throws {@link MachineClosedException}, a misuse
 * outside this hierarchy.
 */
public abstract sealed class EngineException extends RuntimeException
        permits KvmUnavailableException, BootImageException, MachineException, AgentException,
        SnapshotFileException {

    private static final long serialVersionUID = 1L;

    EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
