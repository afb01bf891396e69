package io.github.bootkernel.engine.kvm;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A memory mapping this process owns: anonymous guest RAM or a vCPU's {@code kvm_run} page.
 * Unmapped exactly once by {@link #close()}; buffers obtained from {@link #view} must not be used
 * afterwards.
 */
public final class Mapping implements AutoCloseable {

    private static final long HUGE_PAGE = 2L << 20;

    private final long address;
    private final long length;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Mapping(long address, long length) {
        this.address = address;
        this.length = length;
    }

    /**
     * Reserves anonymous, private, zero-filled memory that costs nothing until touched
     * ({@code MAP_NORESERVE}; pages are faulted in on first access by the guest or by us).
     *
     * @param length bytes, a multiple of the page size
     * @return the mapping
     */
    public static Mapping anonymous(long length) {
        long reserved = Math.addExact(length, HUGE_PAGE);
        long addr;
        try {
            addr = Native.mmap(0, reserved, Native.PROT_READ | Native.PROT_WRITE,
                    Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE, -1, 0);
        } catch (RuntimeException e) {
            if (!Native.isErrno(e)) {
                throw e;
            }
            throw new KvmException("mmap of " + length + " bytes of guest memory", Native.errno(e), e);
        }
        // Keep a 2 MiB-aligned window and give back the slack on both sides, so the kernel can back
        // guest RAM with transparent huge pages: far fewer (nested) page faults and TLB misses.
        long aligned = (addr + HUGE_PAGE - 1) & -HUGE_PAGE;
        // SAFETY: both ranges lie inside the reservation just made and are not used by anyone.
        if (aligned > addr) {
            Native.munmap(addr, aligned - addr);
        }
        long tail = addr + reserved - (aligned + length);
        if (tail > 0) {
            Native.munmap(aligned + length, tail);
        }
        Mapping m = new Mapping(aligned, length);
        try {
            // Guest RAM must not be duplicated into a child the JVM forks (ProcessBuilder).
            Native.madvise(aligned, length, Native.MADV_DONTFORK);
        } catch (RuntimeException e) {
            m.close();
            throw new KvmException("madvise(MADV_DONTFORK) on guest memory", Native.errno(e), e);
        }
        try {
            Native.madvise(aligned, length, Native.MADV_HUGEPAGE);
        } catch (RuntimeException e) {
            // Transparent huge pages disabled or unsupported: small pages work, only slower.
            if (!Native.isErrno(e)) {
                throw e;
            }
        }
        return m;
    }

    static Mapping shared(Fd fd, long length) {
        try {
            long addr = Native.mmap(0, length, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_SHARED,
                    fd.fd(), 0);
            return new Mapping(addr, length);
        } catch (RuntimeException e) {
            if (!Native.isErrno(e)) {
                throw e;
            }
            throw new KvmException("mmap of " + fd.name(), Native.errno(e), e);
        }
    }

    /** @return the host virtual address of the first byte */
    public long address() {
        return address;
    }

    /** @return the length in bytes */
    public long length() {
        return length;
    }

    /**
     * A buffer over part of the mapping.
     *
     * @param offset where the view starts
     * @param size bytes, at most {@link Integer#MAX_VALUE}
     * @return a native-order direct buffer
     */
    public ByteBuffer view(long offset, int size) {
        if (offset < 0 || size < 0 || offset > length - size) {
            throw new IndexOutOfBoundsException("view [" + offset + ", +" + size + ") outside mapping of " + length);
        }
        if (closed.get()) {
            throw new IllegalStateException("mapping already unmapped");
        }
        // SAFETY: [address + offset, + size) lies inside this live mapping (checked above).
        return Native.view(address + offset, size);
    }

    /** @return whether {@link #close()} has run */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                Native.munmap(address, length);
            } catch (RuntimeException e) {
                if (!Native.isErrno(e)) {
                    throw e;
                }
                throw new KvmException("munmap", Native.errno(e), e);
            }
        }
    }
}
