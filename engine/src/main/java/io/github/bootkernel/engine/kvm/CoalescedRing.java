package io.github.bootkernel.engine.kvm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The reader of KVM's coalesced MMIO/PIO ring ({@code struct kvm_coalesced_mmio_ring}, KVM API
 * document, 4.116 {@code KVM_(UN)REGISTER_COALESCED_MMIO}): writes the guest made to a registered
 * zone that KVM recorded in the ring instead of exiting to user space. {@link #drain()} hands each
 * one, in the order the guest made them, to a {@link Sink}.
 *
 * <p>The ring is one page shared by every vCPU of the VM: a header {@code __u32 first, last}, then
 * {@value #MAX_ENTRIES} entries of {@value #ENTRY_SIZE} bytes ({@code __u64 phys_addr; __u32 len;
 * __u32 pio; __u8 data[8]}). KVM appends at {@code last} and publishes it after the entry
 * ({@code smp_wmb()}); user space consumes from {@code first} and publishes it after it is done
 * with the entries. A full ring makes KVM exit to user space as if the zone were not registered.
 *
 * <p>Ordering is the caller's duty: a recorded write happened before any exit that follows it, so
 * the ring must be drained before any exit is handled and before any state the writes change is
 * read. Draining is serialized by a lock, held while the sink runs, so two threads that drain at
 * once still deliver every write exactly once, in order.
 *
 * <p>Both indices live in memory KVM shares with user space; they are checked against
 * {@value #MAX_ENTRIES} before any entry is read, and a {@code len} outside 1..8 is refused, so a
 * corrupt page raises {@link IllegalStateException} rather than reading beyond the page.
 */
public final class CoalescedRing implements AutoCloseable {

    /** The ring's size, one page. */
    public static final int PAGE_SIZE = 4096;
    /** Bytes of {@code struct kvm_coalesced_mmio}. */
    static final int ENTRY_SIZE = 24;
    /** Bytes of the ring's header, {@code first} and {@code last}. */
    static final int HEADER_SIZE = 8;
    /** {@code KVM_COALESCED_MMIO_MAX}: entries in one page. */
    public static final int MAX_ENTRIES = (PAGE_SIZE - HEADER_SIZE) / ENTRY_SIZE;
    static final int FIRST = 0;
    static final int LAST = 4;
    static final int ENTRY_ADDR = 0;
    static final int ENTRY_LEN = 8;
    static final int ENTRY_PIO = 12;
    static final int ENTRY_DATA = 16;
    static final int MAX_DATA = 8;

    /** Receives one recorded write. */
    @FunctionalInterface
    public interface Sink {
        /**
         * @param pio whether it was port I/O (then {@code address} is the port), not MMIO
         * @param address the port or guest physical address
         * @param data the bytes written, {@code length} of them from index 0
         * @param length 1 to 8
         */
        void write(boolean pio, long address, byte[] data, int length);
    }

    /** The shared page, as the ring reads and writes it. */
    interface Page {
        /** A 32-bit load with acquire semantics, at a 4-aligned offset. */
        int getIntAcquire(int offset);

        /** A 32-bit store with release semantics, at a 4-aligned offset. */
        void setIntRelease(int offset, int value);

        /** Copies {@code count} bytes from {@code offset} into {@code dst}. */
        void read(int offset, byte[] dst, int count);

        /** Releases the page; later accesses throw {@link IllegalStateException}. */
        void close();
    }

    private final Page page;
    private final Sink sink;
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] entry = new byte[ENTRY_SIZE];
    private final ByteBuffer entryView = ByteBuffer.wrap(entry).order(ByteOrder.nativeOrder());
    private final byte[] data = new byte[MAX_DATA];
    private boolean closed; // guarded by lock
    private long drained; // guarded by lock

    CoalescedRing(Page page, Sink sink) {
        this.page = Objects.requireNonNull(page, "page");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Maps the ring page through a vCPU's file descriptor (the page KVM's
     * {@code KVM_CHECK_EXTENSION(KVM_CAP_COALESCED_MMIO)} names) and reads it for {@code sink}.
     *
     * @param vcpu any vCPU of the VM: the page is the VM's; the mapping outlives the vCPU's fd
     * @param pageOffset the ring's page offset in the vCPU mapping, from {@link Capability#COALESCED_MMIO}
     * @param sink receives the recorded writes
     * @return the ring, owned by the caller
     * @throws IllegalArgumentException if {@code pageOffset} is not positive
     * @throws KvmException if the page cannot be mapped
     */
    public static CoalescedRing map(Vcpu vcpu, int pageOffset, Sink sink) {
        if (pageOffset <= 0) {
            throw new IllegalArgumentException("coalesced ring page offset " + pageOffset + " is not positive");
        }
        Mapping m = Mapping.shared(vcpu.fd(), PAGE_SIZE, (long) pageOffset * PAGE_SIZE,
                "coalesced I/O ring of vCPU " + vcpu.id());
        return new CoalescedRing(new MappedPage(m), sink);
    }

    /**
     * Hands every write recorded so far to the sink, oldest first, and frees their entries. Any
     * thread; a no-op once closed.
     *
     * @return how many writes were handed over
     * @throws IllegalStateException if the ring's indices or an entry's length are out of range
     */
    public int drain() {
        lock.lock();
        try {
            if (closed) {
                return 0;
            }
            int first = page.getIntAcquire(FIRST);
            int last = page.getIntAcquire(LAST); // acquire: the entries before `last` are complete
            if (!inRange(first, last)) {
                throw new IllegalStateException("coalesced I/O ring indices out of range: first " + first
                        + ", last " + last + " (at most " + (MAX_ENTRIES - 1) + ")");
            }
            int n = 0;
            while (first != last) {
                // SAFETY (of the page read): first < MAX_ENTRIES, so the entry lies inside the page.
                page.read(HEADER_SIZE + first * ENTRY_SIZE, entry, ENTRY_SIZE);
                int length = entryView.getInt(ENTRY_LEN);
                if (length < 1 || length > MAX_DATA) {
                    throw new IllegalStateException("coalesced I/O ring entry " + first + " has length " + length
                            + " (1 to 8)");
                }
                System.arraycopy(entry, ENTRY_DATA, data, 0, length);
                first = (first + 1) % MAX_ENTRIES;
                // Free the entry before the sink runs: a sink that throws leaves no write delivered twice.
                page.setIntRelease(FIRST, first);
                n++;
                drained++;
                sink.write(entryView.getInt(ENTRY_PIO) != 0, entryView.getLong(ENTRY_ADDR), data, length);
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a write to {@code address} waits in the ring, or a drain is handing writes over at
     * this moment (which counts as yes: they may be to {@code address}). Never waits for the lock,
     * so a watchdog may ask while a sink blocks. Any thread.
     *
     * @param address the zone's port or guest physical address, as the entries record it
     * @return whether such a write has been recorded and not yet handed to the sink; false once
     *     closed; true when the indices are out of range (the next drain refuses the page)
     */
    public boolean pending(long address) {
        if (!lock.tryLock()) {
            return true;
        }
        try {
            if (closed) {
                return false;
            }
            int first = page.getIntAcquire(FIRST);
            int last = page.getIntAcquire(LAST);
            if (!inRange(first, last)) {
                return true;
            }
            for (int i = first; i != last; i = (i + 1) % MAX_ENTRIES) {
                // SAFETY (of the page read): i < MAX_ENTRIES, so the entry lies inside the page.
                page.read(HEADER_SIZE + i * ENTRY_SIZE, entry, ENTRY_SIZE);
                if (entryView.getLong(ENTRY_ADDR) == address) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether both ring indices name an entry inside the page, as KVM's own never fail to. */
    private static boolean inRange(int first, int last) {
        return first >= 0 && first < MAX_ENTRIES && last >= 0 && last < MAX_ENTRIES;
    }

    /** @return how many writes {@link #drain()} has handed over in all */
    public long drainedCount() {
        lock.lock();
        try {
            return drained;
        } finally {
            lock.unlock();
        }
    }

    /** Unmaps the page; later drains do nothing. Call after a last {@link #drain()}. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                page.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The page as a shared mapping of the vCPU fd. */
    private record MappedPage(Mapping mapping) implements Page {
        @Override
        public int getIntAcquire(int offset) {
            return mapping.getIntAcquire(offset);
        }

        @Override
        public void setIntRelease(int offset, int value) {
            mapping.setIntRelease(offset, value);
        }

        @Override
        public void read(int offset, byte[] dst, int count) {
            mapping.read(offset, dst, 0, count);
        }

        @Override
        public void close() {
            mapping.close();
        }
    }
}
