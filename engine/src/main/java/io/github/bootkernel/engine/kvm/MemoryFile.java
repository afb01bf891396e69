package io.github.bootkernel.engine.kvm;

/**
 * An anonymous in-memory file ({@code memfd_create(2)}, {@code MFD_CLOEXEC}) that holds guest RAM,
 * shared by the machine that writes it and by the snapshots and clones that map it.
 *
 * <p>Its pages cost nothing until touched, like an anonymous {@code MAP_NORESERVE} mapping: a
 * memfd is a sparse shmem file and is charged page by page as pages are written. A writable
 * {@link Mapping#ofFile shared mapping} of it is guest RAM; a private one is a copy-on-write clone
 * that reads the file's pages until it writes its own.
 *
 * <p>Reference-counted: {@link #create} returns it with one reference; every further owner calls
 * {@link #retain()} and each owner {@link #release()}s once; the last release closes the
 * descriptor. Mappings made from it stay valid after that (the kernel keeps the file for them).
 * Thread-safe.
 */
public final class MemoryFile {

    private final Fd fd;
    private final long length;
    private int references = 1;

    private MemoryFile(Fd fd, long length) {
        this.fd = fd;
        this.length = length;
    }

    /**
     * Creates a zero-filled memory file.
     *
     * @param length bytes, positive
     * @param what what it holds, for messages and the file's name in {@code /proc/PID/fd}
     * @return the file, with one reference owned by the caller
     * @throws KvmException if the host refuses {@code memfd_create} or {@code ftruncate}
     */
    public static MemoryFile create(long length, String what) {
        if (length <= 0) {
            throw new IllegalArgumentException("memory file of " + length + " bytes for " + what);
        }
        int n;
        try {
            n = Native.memfd_create("bootkernel " + what, Native.MFD_CLOEXEC);
        } catch (RuntimeException e) {
            if (!Native.isErrno(e)) {
                throw e;
            }
            throw new KvmException("memfd_create for " + what, Native.errno(e), e);
        }
        Fd fd = new Fd(n, "memfd " + n + " (" + what + ")");
        try {
            Native.ftruncate(n, length);
        } catch (RuntimeException e) {
            fd.close();
            if (!Native.isErrno(e)) {
                throw e;
            }
            throw new KvmException("ftruncate of the memfd for " + what + " to " + length + " bytes",
                    Native.errno(e), e);
        }
        return new MemoryFile(fd, length);
    }

    /** @return the file's length in bytes */
    public long length() {
        return length;
    }

    /**
     * Adds a reference.
     *
     * @return this file
     * @throws IllegalStateException if the last reference was already released
     */
    public synchronized MemoryFile retain() {
        if (references == 0) {
            throw new IllegalStateException(fd.name() + " is already closed");
        }
        references++;
        return this;
    }

    /** Drops a reference; the last one closes the descriptor. Extra calls do nothing. */
    public synchronized void release() {
        if (references == 0) {
            return;
        }
        if (--references == 0) {
            fd.close();
        }
    }

    /** @return how many owners hold it; 0 once the descriptor is closed */
    public synchronized int references() {
        return references;
    }

    /** The descriptor, for {@code mmap}; only while a reference is held. */
    synchronized int fdForMapping() {
        if (references == 0) {
            throw new IllegalStateException(fd.name() + " is already closed");
        }
        return fd.fd();
    }

    @Override
    public String toString() {
        return fd.name();
    }
}
