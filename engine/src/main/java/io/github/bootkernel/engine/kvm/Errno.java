package io.github.bootkernel.engine.kvm;

/** Names for the errno values KVM calls report, so error messages read "EACCES (13)". */
final class Errno {

    private Errno() {
    }

    static String describe(int errno) {
        String name = switch (errno) {
            case 1 -> "EPERM, operation not permitted";
            case 2 -> "ENOENT, no such file or directory";
            case 4 -> "EINTR, interrupted";
            case 5 -> "EIO, I/O error";
            case 6 -> "ENXIO, no such device or address";
            case 9 -> "EBADF, bad file descriptor";
            case 11 -> "EAGAIN, try again";
            case 12 -> "ENOMEM, out of memory";
            case 13 -> "EACCES, permission denied";
            case 14 -> "EFAULT, bad address";
            case 16 -> "EBUSY, device busy";
            case 17 -> "EEXIST, already exists";
            case 19 -> "ENODEV, no such device";
            case 22 -> "EINVAL, invalid argument";
            case 24 -> "EMFILE, too many open files";
            case 25 -> "ENOTTY, not a KVM device or unknown ioctl";
            case 7 -> "E2BIG, argument list too long";
            case 95 -> "EOPNOTSUPP, not supported";
            default -> "errno";
        };
        return name + " (" + errno + ")";
    }
}
