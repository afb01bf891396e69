package io.github.bootkernel.engine.kvm;

/**
 * The errno values KVM and libc calls report here, by name, so error messages read
 * {@code "EACCES (13), permission denied"}. Numbers are those of x86_64 Linux
 * ({@code <asm-generic/errno-base.h>}, {@code <asm-generic/errno.h>}).
 */
public enum Errno {

    /** Operation not permitted. */
    EPERM(1, "operation not permitted"),
    /** No such file or directory. */
    ENOENT(2, "no such file or directory"),
    /** Interrupted system call; for {@code KVM_RUN}, a signal or {@code immediate_exit}. */
    EINTR(4, "interrupted"),
    /** I/O error. */
    EIO(5, "I/O error"),
    /** No such device or address. */
    ENXIO(6, "no such device or address"),
    /** Argument list too long. */
    E2BIG(7, "argument list too long"),
    /** Bad file descriptor. */
    EBADF(9, "bad file descriptor"),
    /** Try again. */
    EAGAIN(11, "try again"),
    /** Out of memory. */
    ENOMEM(12, "out of memory"),
    /** Permission denied. */
    EACCES(13, "permission denied"),
    /** Bad address. */
    EFAULT(14, "bad address"),
    /** Device or resource busy. */
    EBUSY(16, "device busy"),
    /** File exists. */
    EEXIST(17, "already exists"),
    /** No such device. */
    ENODEV(19, "no such device"),
    /** Invalid argument. */
    EINVAL(22, "invalid argument"),
    /** Too many open files. */
    EMFILE(24, "too many open files"),
    /** Not a typewriter: for an ioctl, not a KVM device or an ioctl it does not know. */
    ENOTTY(25, "not a KVM device or unknown ioctl"),
    /** Function not implemented. */
    ENOSYS(38, "function not implemented"),
    /** Operation not supported. */
    EOPNOTSUPP(95, "not supported"),
    /** No errno came with the failure, or one this enum does not name. */
    UNKNOWN(-1, "errno");

    private final int number;
    private final String meaning;

    Errno(int number, String meaning) {
        this.number = number;
        this.meaning = meaning;
    }

    /** @return the errno number; -1 for {@link #UNKNOWN} */
    public int number() {
        return number;
    }

    /**
     * @param number an errno value
     * @return its constant, or {@link #UNKNOWN} if this enum does not name it
     */
    public static Errno of(int number) {
        for (Errno e : values()) {
            if (e.number == number && e != UNKNOWN) {
                return e;
            }
        }
        return UNKNOWN;
    }

    /**
     * @param number an errno value
     * @return {@code "EACCES (13), permission denied"}, or {@code "errno 42"} for an unnamed one
     */
    static String describe(int number) {
        Errno e = of(number);
        return e == UNKNOWN ? "errno " + number : e.name() + " (" + number + "), " + e.meaning;
    }
}
