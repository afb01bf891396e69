package io.github.bootkernel.engine.kvm;

/**
 * A KVM or libc call failed. The message names the operation and the errno
 * ({@code "ioctl(KVM_CREATE_VM) on /dev/kvm failed: ENOMEM (12), out of memory"}).
 */
public class KvmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    /**
     * @param operation what was attempted, e.g. {@code ioctl(KVM_CREATE_VM)}
     * @param errno the error number, or -1 when unknown
     * @param cause the underlying failure, may be null
     */
    public KvmException(String operation, int errno, Throwable cause) {
        super(operation + " failed" + (errno > 0 ? ": " + Errno.describe(errno) : ""), cause);
        this.errno = errno;
    }

    /**
     * @param message a complete message
     */
    public KvmException(String message) {
        super(message);
        this.errno = -1;
    }

    /**
     * @return the errno by name; {@link Errno#UNKNOWN} when the failure came without one or with
     *     one the enum does not name (see {@link #errnoNumber()})
     */
    public Errno errno() {
        return Errno.of(errno);
    }

    /** @return the raw error number, or -1 when the failure did not come with one */
    public int errnoNumber() {
        return errno;
    }
}
