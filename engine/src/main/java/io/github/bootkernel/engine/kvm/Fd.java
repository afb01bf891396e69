package io.github.bootkernel.engine.kvm;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An owned file descriptor: issues ioctls on it, turns errno into {@link KvmException}, and closes
 * it exactly once.
 */
class Fd implements AutoCloseable {

    private final int fd;
    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    Fd(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    final int fd() {
        return fd;
    }

    final String name() {
        return name;
    }

    final int ioctl(Ioctl request, long arg) {
        try {
            return Native.ioctl(fd, request.number(), arg);
        } catch (RuntimeException e) {
            throw failure(request, e);
        }
    }

    final int ioctl(Ioctl request, Struct arg) {
        return ioctl(request, arg.buffer);
    }

    final int ioctl(Ioctl request, ByteBuffer arg) {
        try {
            // SAFETY: arg is a direct buffer at least as large as the size the request number
            // encodes (Struct subclasses allocate exactly their layout size), so the kernel never
            // reads or writes past it.
            return Native.ioctl(fd, request.number(), arg);
        } catch (RuntimeException e) {
            throw failure(request, e);
        }
    }

    private KvmException failure(Ioctl request, RuntimeException e) {
        if (!Native.isErrno(e)) {
            throw e;
        }
        return new KvmException("ioctl(" + request + ") on " + name, Native.errno(e), e);
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                Native.close(fd);
            } catch (RuntimeException e) {
                if (!Native.isErrno(e)) {
                    throw e;
                }
                // close() releases the descriptor even when it reports an error (EINTR/EIO);
                // there is nothing to retry.
            }
        }
    }
}
