package io.github.bootkernel.engine.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * The one place that touches native code: libc's {@code open}, {@code close}, {@code ioctl},
 * {@code mmap}, {@code munmap}, the few signal and thread calls the vCPU kick needs, and the few
 * descriptor and terminal calls behind {@link HostStdin}, bound with JNA direct mapping.
 *
 * <p>Nothing outside this class sees a JNA type. Buffers handed to {@link #ioctl(int, long,
 * ByteBuffer)} must be direct; their address is passed to the kernel, which reads or writes at most
 * the size encoded in the request number (see {@link Ioctl}).
 */
final class Native {

    static final int O_RDONLY = 0x0;
    static final int O_RDWR = 0x2;
    static final int O_CLOEXEC = 0x80000;
    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;
    static final long MAP_FAILED = -1L;
    static final int MADV_DONTNEED = 4;
    static final int MADV_DONTFORK = 10;
    static final int MFD_CLOEXEC = 0x1;
    static final int MFD_ALLOW_SEALING = 0x2;
    static final int F_ADD_SEALS = 1033;
    static final int F_GET_SEALS = 1034;
    static final int F_SEAL_SEAL = 0x1;
    static final int F_SEAL_SHRINK = 0x2;
    static final int F_SEAL_GROW = 0x4;
    static final int F_SEAL_WRITE = 0x8;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;
    static final int MADV_HUGEPAGE = 14;
    static final int SIG_BLOCK = 0;
    static final int F_GETFD = 1;
    static final int TCSANOW = 0;

    static {
        // SAFETY: binds the native methods below to libc's symbols of the same names; their Java
        // signatures match the C prototypes on x86_64 Linux (int = int, long = size_t/off_t/pointer).
        com.sun.jna.Native.register(NativeLibrary.getInstance("c"));
    }

    private Native() {
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    // ioctl is variadic in C; on x86_64 the third argument travels in a register like a fixed one.
    static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    static native int ioctl(int fd, long request, ByteBuffer arg) throws LastErrorException;

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    static native int munmap(long addr, long length) throws LastErrorException;

    // SAFETY: name is a NUL-terminated copy JNA makes; memfd_create reads only it and returns a
    // new descriptor the caller owns.
    static native int memfd_create(String name, int flags) throws LastErrorException;

    // SAFETY: a descriptor number and a length, no memory.
    static native int ftruncate(int fd, long length) throws LastErrorException;

    // SAFETY: the caller guarantees [buf, buf + count) is readable memory it keeps mapped for the
    // call (Mapping.copyResidentTo: inside its mapping, under its read lock); pwrite only reads it.
    static native long pwrite(int fd, long buf, long count, long offset) throws LastErrorException;

    // SAFETY: a descriptor number and offsets, no memory.
    static native long lseek(int fd, long offset, int whence) throws LastErrorException;

    static native int madvise(long addr, long length, int advice) throws LastErrorException;

    static native int mincore(long addr, long length, ByteBuffer vec) throws LastErrorException;

    static native long pthread_self();

    static native int pthread_kill(long thread, int sig);

    static native int pthread_sigmask(int how, ByteBuffer set, ByteBuffer oldset);

    static native int sigtimedwait(ByteBuffer set, ByteBuffer info, ByteBuffer timeout);

    static native int __libc_current_sigrtmin();

    // SAFETY: fcntl is variadic in C; F_GETFD and F_GET_SEALS take no third argument, so none is
    // passed. It reads nothing but the descriptor number.
    static native int fcntl(int fd, int cmd) throws LastErrorException;

    // SAFETY: for F_ADD_SEALS the third argument is an int (the seals), not a pointer: fcntl reads
    // no memory of ours.
    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    // SAFETY: two descriptor numbers, no memory. The caller owns oldfd and means to replace newfd.
    static native int dup2(int oldfd, int newfd) throws LastErrorException;

    // SAFETY: a descriptor number, no memory; returns 1 or 0 (errno set on 0, not checked).
    static native int isatty(int fd);

    // SAFETY: termios must be a direct buffer of Termios.SIZE bytes, glibc's struct termios on
    // x86_64 (pinned by TermiosTest); tcgetattr writes exactly that many bytes into it.
    static native int tcgetattr(int fd, ByteBuffer termios) throws LastErrorException;

    // SAFETY: as for tcgetattr; tcsetattr only reads the buffer.
    static native int tcsetattr(int fd, int optionalActions, ByteBuffer termios) throws LastErrorException;

    /**
     * Returns the errno carried by a failed call.
     *
     * @param e the exception JNA raised
     * @return the errno value
     */
    static int errno(RuntimeException e) {
        return e instanceof LastErrorException ? ((LastErrorException) e).getErrorCode() : -1;
    }

    /**
     * Whether the exception is the one JNA raises for a failed libc call.
     *
     * @param e any runtime exception
     * @return true if it carries an errno
     */
    static boolean isErrno(RuntimeException e) {
        return e instanceof LastErrorException;
    }

    /**
     * The exception to throw for a failed libc call: a {@link KvmException} naming the call and
     * its errno, or {@code e} itself when it carries no errno.
     *
     * @param e the exception the call raised
     * @param call the call in words, e.g. {@code "pwrite of 4096 bytes of guest RAM to memfd"}
     * @return the exception to throw
     */
    static RuntimeException failure(RuntimeException e, String call) {
        if (!isErrno(e)) {
            return e;
        }
        return new KvmException(call, errno(e), e);
    }

    /**
     * Views native memory as a buffer.
     *
     * <p>SAFETY: the caller guarantees {@code [address, address + length)} is a live mapping it
     * owns and that the buffer is not used after the mapping is unmapped. Only {@link Mapping}
     * calls this; it keeps the buffer private and uses it only under its read lock while open.
     *
     * @param address start of the mapping
     * @param length bytes to view, at most {@link Integer#MAX_VALUE}
     * @return a direct buffer over that memory, in native (little-endian) byte order
     */
    static ByteBuffer view(long address, int length) {
        return new Pointer(address).getByteBuffer(0, length).order(java.nio.ByteOrder.nativeOrder());
    }

    /**
     * The address of a direct buffer's first byte.
     *
     * @param buffer a direct buffer
     * @return its native address
     */
    static long address(ByteBuffer buffer) {
        return Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(buffer));
    }
}
