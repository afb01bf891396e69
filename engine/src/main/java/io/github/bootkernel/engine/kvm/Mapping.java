package io.github.bootkernel.engine.kvm;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.locks.StampedLock;

/**
 * A memory mapping this process owns: guest RAM (anonymous, or a copy-on-write mapping of a
 * {@link MemoryFile}) or a vCPU's {@code kvm_run} page.
 *
 * <p>The mapping is the only holder of its native memory: callers copy bytes in and out through
 * {@link #read}, {@link #write}, {@link #putByte} and {@link #copyFrom}, which check the range
 * against the mapping and run under a read lock that {@link #close()} takes exclusively. So
 * accesses run in parallel, {@code close()} waits for those under way and then unmaps, and every
 * later access throws {@link IllegalStateException}: a use after close never touches unmapped
 * memory. Thread-safe.
 */
public final class Mapping implements AutoCloseable {

    private static final long HUGE_PAGE = 2L << 20;
    /** The host's base page size, which {@code mincore} and pagemap count in. */
    private static final long PAGE = 4096;
    /** Pages {@link #residentBytes()} asks {@code mincore} about at once: 1 GiB, a 256 KiB vector. */
    private static final int RESIDENCY_PAGES_PER_CALL = 1 << 18;
    /** Each internal buffer covers at most this much (a {@link ByteBuffer} indexes with an int). */
    private static final int CHUNK = 1 << 30;
    /** How much {@link #copyFrom} copies per lock hold, so {@code close()} need not wait long. */
    private static final int COPY_PIECE = 64 << 10;
    /** How much {@link #copyFrom(long, FileChannel, long, long)} reads per lock hold. */
    private static final int FILE_PIECE = 1 << 20;
    /** The most pages {@link #copyResidentTo} writes in one {@code pwrite}: 256 MiB (Linux caps one at ~2 GiB). */
    private static final int MAX_WRITE_PAGES = 1 << 16;
    /** Pages whose pagemap entries {@link #copyResidentTo} reads at once: 128 MiB of RAM, 256 KiB of entries. */
    private static final int PAGEMAP_PAGES_PER_READ = 1 << 15;
    /** Bytes per pagemap entry, and its "present" and "swapped" bits (proc(5), /proc/pid/pagemap). */
    private static final int PAGEMAP_ENTRY = 8;
    private static final long PAGEMAP_PRESENT = 1L << 63;
    private static final long PAGEMAP_SWAPPED = 1L << 62;
    /** A page of zeros to compare with; read only, its position never moves (duplicated per use). */
    private static final ByteBuffer ZERO_PAGE = ByteBuffer.allocateDirect((int) PAGE).asReadOnlyBuffer();

    /** 32-bit accesses with memory-ordering semantics, for memory shared with the kernel. */
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final String what;
    private final long address;
    private final long length;
    /** Views of the whole mapping, CHUNK bytes each; never handed out. */
    private final ByteBuffer[] chunks;
    private final StampedLock lock = new StampedLock();
    /** Set first thing by close(): accesses that start later refuse at once (no writer starvation). */
    private volatile boolean closed;
    /** Guarded by the write lock. */
    private boolean unmapped;

    private Mapping(String what, long address, long length) {
        this.what = what;
        this.address = address;
        this.length = length;
        int n = (int) ((length + CHUNK - 1) / CHUNK);
        this.chunks = new ByteBuffer[n];
        for (int i = 0; i < n; i++) {
            long off = (long) i * CHUNK;
            // SAFETY: [address + off, + size) lies inside this mapping, which stays mapped until
            // close(); close() unmaps only under the write lock, and every use of these buffers
            // holds the read lock and checks `closed` first.
            chunks[i] = Native.view(address + off, (int) Math.min(CHUNK, length - off));
        }
    }

    /**
     * Reserves anonymous, private, zero-filled memory that costs nothing until touched
     * ({@code MAP_NORESERVE}; pages are faulted in on first access by the guest or by us).
     *
     * @param length bytes, a multiple of the page size
     * @param what what the memory is for, for messages (e.g. {@code "guest RAM"})
     * @return the mapping
     */
    public static Mapping anonymous(long length, String what) {
        return guestMemory(length, what, Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE, -1);
    }

    /**
     * Maps the whole of a sealed memory file as a clone's guest RAM, copy-on-write
     * ({@code MAP_PRIVATE | MAP_NORESERVE}): reads see the file's pages, writes make private copies
     * that stay in this mapping, and the file is never changed; the host commits only the pages the
     * clone writes. Aligned like {@link #anonymous} and excluded from forked children.
     *
     * @param file the memory file; the caller holds a reference while this call runs, the mapping
     *     stays valid after the file's last reference is released
     * @param what what the memory is for, for messages
     * @return the mapping of {@code file.length()} bytes
     * @throws KvmException if the host refuses the mapping
     */
    public static Mapping ofFile(MemoryFile file, String what) {
        return guestMemory(file.length(), what, Native.MAP_PRIVATE | Native.MAP_NORESERVE, file.fdForMapping());
    }

    /**
     * Reserves {@code length} bytes plus 2 MiB of address space, maps the 2 MiB-aligned window of
     * it with {@code flags} (over {@code fd} from offset 0, or anonymous with -1), gives back the
     * slack, and advises {@code MADV_DONTFORK} and {@code MADV_HUGEPAGE}.
     */
    private static Mapping guestMemory(long length, String what, int flags, int fd) {
        long reserved = Math.addExact(length, HUGE_PAGE);
        long addr;
        try {
            addr = Native.mmap(0, reserved, Native.PROT_READ | Native.PROT_WRITE,
                    Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_NORESERVE, -1, 0);
        } catch (RuntimeException e) {
            if (!Native.isErrno(e)) {
                throw e;
            }
            throw new KvmException("mmap of " + length + " bytes of " + what, Native.errno(e), e);
        }
        // Keep a 2 MiB-aligned window and give back the slack on both sides, so the kernel can back
        // guest RAM with transparent huge pages: far fewer (nested) page faults and TLB misses.
        long aligned = (addr + HUGE_PAGE - 1) & -HUGE_PAGE;
        if (fd >= 0) {
            try {
                // SAFETY: MAP_FIXED replaces [aligned, + length), which lies inside the reservation
                // just made and used by nobody else; the file is at least length bytes long.
                Native.mmap(aligned, length, Native.PROT_READ | Native.PROT_WRITE, flags | Native.MAP_FIXED, fd, 0);
            } catch (RuntimeException e) {
                Native.munmap(addr, reserved);
                throw Native.failure(e, "mmap of the memory file for " + what);
            }
        }
        // SAFETY: both ranges lie inside the reservation just made and are not used by anyone.
        if (aligned > addr) {
            Native.munmap(addr, aligned - addr);
        }
        long tail = addr + reserved - (aligned + length);
        if (tail > 0) {
            Native.munmap(aligned + length, tail);
        }
        Mapping m = new Mapping(what, aligned, length);
        try {
            // Guest RAM must not be duplicated into a child the JVM forks (ProcessBuilder).
            Native.madvise(aligned, length, Native.MADV_DONTFORK);
        } catch (RuntimeException e) {
            m.close();
            throw new KvmException("madvise(MADV_DONTFORK) on " + what, Native.errno(e), e);
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

    static Mapping shared(Fd fd, long length, String what) {
        return shared(fd, length, 0, what);
    }

    /**
     * Maps {@code length} bytes of {@code fd} from {@code fileOffset} on, shared and read-write.
     *
     * @param fileOffset where in the file the mapping starts, page aligned
     */
    static Mapping shared(Fd fd, long length, long fileOffset, String what) {
        long addr;
        try {
            addr = Native.mmap(0, length, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_SHARED, fd.fd(), fileOffset);
        } catch (RuntimeException e) {
            if (!Native.isErrno(e)) {
                throw e;
            }
            throw new KvmException("mmap of " + fd.name(), Native.errno(e), e);
        }
        return new Mapping(what, addr, length);
    }

    /** @return the host virtual address of the first byte, for KVM (never dereferenced here) */
    long address() {
        return address;
    }

    /** @return the length in bytes */
    public long length() {
        return length;
    }

    /**
     * Copies bytes out of the mapping.
     *
     * @param offset where to start in the mapping
     * @param dst where the bytes go
     * @param dstOffset first index of {@code dst} to fill
     * @param count how many bytes
     * @throws IndexOutOfBoundsException if either range is outside its owner
     * @throws IllegalStateException if the mapping is closed
     */
    public void read(long offset, byte[] dst, int dstOffset, int count) {
        copy(offset, dst, dstOffset, count, false);
    }

    /**
     * Copies bytes into the mapping.
     *
     * @param offset where to start in the mapping
     * @param src the bytes
     * @param srcOffset first index of {@code src} to copy
     * @param count how many bytes
     * @throws IndexOutOfBoundsException if either range is outside its owner
     * @throws IllegalStateException if the mapping is closed
     */
    public void write(long offset, byte[] src, int srcOffset, int count) {
        copy(offset, src, srcOffset, count, true);
    }

    /**
     * Reads a 32-bit value with acquire semantics (no later load or store moves before it), for
     * memory another party (KVM) writes while we read.
     *
     * @param offset where in the mapping, a multiple of 4
     * @return the value, in native byte order
     * @throws IndexOutOfBoundsException if the four bytes are outside the mapping
     * @throws IllegalArgumentException if {@code offset} is not a multiple of 4
     * @throws IllegalStateException if the mapping is closed
     */
    public int getIntAcquire(long offset) {
        requireIntAligned(offset);
        long stamp = lockOpen(offset, Integer.BYTES);
        try {
            // SAFETY: the aligned four bytes are inside the mapping (checked by lockOpen) and inside
            // one chunk (CHUNK is a multiple of 4); the mapping is open under the read lock.
            return (int) INTS.getAcquire(chunks[(int) (offset / CHUNK)], (int) (offset % CHUNK));
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Writes a 32-bit value with release semantics (no earlier load or store moves after it).
     *
     * @param offset where in the mapping, a multiple of 4
     * @param value the value, stored in native byte order
     * @throws IndexOutOfBoundsException if the four bytes are outside the mapping
     * @throws IllegalArgumentException if {@code offset} is not a multiple of 4
     * @throws IllegalStateException if the mapping is closed
     */
    public void setIntRelease(long offset, int value) {
        requireIntAligned(offset);
        long stamp = lockOpen(offset, Integer.BYTES);
        try {
            // SAFETY: as in getIntAcquire.
            INTS.setRelease(chunks[(int) (offset / CHUNK)], (int) (offset % CHUNK), value);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private void requireIntAligned(long offset) {
        if ((offset & 3) != 0) {
            throw new IllegalArgumentException("32-bit access at " + offset + " in " + what + " is not 4-aligned");
        }
    }

    /**
     * Writes one byte.
     *
     * @param offset where in the mapping
     * @param value the byte
     * @throws IndexOutOfBoundsException if {@code offset} is outside the mapping
     * @throws IllegalStateException if the mapping is closed
     */
    public void putByte(long offset, byte value) {
        long stamp = lockOpen(offset, 1);
        try {
            // SAFETY: offset is inside the mapping (checked by lockOpen), open under the read lock.
            chunks[(int) (offset / CHUNK)].put((int) (offset % CHUNK), value);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Copies {@code count} bytes from a stream into the mapping, in pieces of 64 KiB through a
     * heap buffer (the stream never sees native memory), so the whole content is never held on
     * the heap and {@link #close()} waits at most for one piece.
     *
     * @param offset where to start in the mapping
     * @param in the source, read from its current position
     * @param count how many bytes
     * @throws EOFException if the stream ends before {@code count} bytes
     * @throws IOException if reading fails
     * @throws IndexOutOfBoundsException if the range is outside the mapping
     * @throws IllegalStateException if the mapping is closed
     */
    public void copyFrom(long offset, InputStream in, long count) throws IOException {
        checkRange(offset, count);
        byte[] piece = new byte[(int) Math.min(COPY_PIECE, Math.max(count, 1))];
        long done = 0;
        while (done < count) {
            int want = (int) Math.min(piece.length, count - done);
            int got = in.readNBytes(piece, 0, want);
            if (got < want) {
                throw new EOFException("stream ended after " + (done + got) + " of " + count + " bytes");
            }
            write(offset + done, piece, 0, got);
            done += got;
        }
    }

    /**
     * Copies {@code count} bytes of a file, from {@code position}, into the mapping: the file is read
     * straight into the mapped memory (one copy, nothing on the heap), at most 1 MiB per lock hold,
     * so {@link #close()} waits at most for one such read. The channel's own position is unchanged.
     *
     * @param offset where to start in the mapping
     * @param file the source
     * @param position where to start in the file
     * @param count how many bytes
     * @throws EOFException if the file ends before {@code position + count}
     * @throws IOException if reading fails
     * @throws IndexOutOfBoundsException if the range is outside the mapping (checked before reading)
     * @throws IllegalStateException if the mapping is closed
     */
    public void copyFrom(long offset, FileChannel file, long position, long count) throws IOException {
        checkRange(offset, count);
        if (position < 0) {
            throw new IllegalArgumentException("negative file position " + position);
        }
        long done = 0;
        while (done < count) {
            long pos = offset + done;
            ByteBuffer chunk = chunks[(int) (pos / CHUNK)];
            int at = (int) (pos % CHUNK);
            int n = (int) Math.min(Math.min(FILE_PIECE, count - done), chunk.capacity() - at);
            long stamp = lockOpen(pos, n);
            try {
                // SAFETY: [pos, + n) is inside the mapping (checked by lockOpen) and inside this
                // chunk (n is clamped to it); the slice lets the read write nowhere else, and the
                // mapping stays mapped while the read lock is held.
                ByteBuffer piece = chunk.slice(at, n);
                while (piece.hasRemaining()) {
                    if (file.read(piece, position + done + piece.position()) < 0) {
                        throw new EOFException("file ended after " + (position + done + piece.position())
                                + " bytes; " + (position + count) + " were to be read");
                    }
                }
            } finally {
                lock.unlockRead(stamp);
            }
            done += n;
        }
    }

    /**
     * Counts the bytes of this mapping the host holds in memory now: the pages touched so far,
     * with {@code mincore(2)}, which reports each page of the range.
     *
     * @return resident bytes, a multiple of the page size, at most {@link #length()}
     * @throws IllegalStateException if the mapping is closed
     * @throws KvmException if {@code mincore} fails
     */
    public long residentBytes() {
        long pages = (length + PAGE - 1) / PAGE;
        ByteBuffer vec = ByteBuffer.allocateDirect((int) Math.min(pages, RESIDENCY_PAGES_PER_CALL));
        long resident = 0;
        long stamp = lockOpen(0, length);
        try {
            for (long page = 0; page < pages; page += vec.capacity()) {
                long n = Math.min(vec.capacity(), pages - page);
                // SAFETY: [address + page * PAGE, + n * PAGE) lies inside this mapping (n is
                // clamped to the pages left), which stays mapped while the read lock is held;
                // mincore writes one byte per page of it, n <= vec.capacity() bytes.
                Native.mincore(address + page * PAGE, n * PAGE, vec);
                for (int i = 0; i < n; i++) {
                    resident += vec.get(i) & 1;
                }
            }
        } catch (RuntimeException e) {
            if (!Native.isErrno(e)) {
                throw e;
            }
            throw new KvmException("mincore of " + what, Native.errno(e), e);
        } finally {
            lock.unlockRead(stamp);
        }
        return resident * PAGE;
    }

    /**
     * Writes the pages of this mapping that are in use and not all zero into a file at the same
     * offsets, with {@code pwrite(2)} straight from the mapping, one call per run of such pages; the
     * other pages are left as they are in the file (holes read as zeros). A page is in use if
     * {@code /proc/self/pagemap} says it is present or swapped out (proc(5); {@code mincore(2)}
     * would miss a page swapped out, and lose it); a present page may be the shared zero page (a
     * read fault on anonymous memory maps it) or part of an all-zero huge page, hence the zero
     * test. If pagemap cannot be read, every page is tested (untouched ones then map the zero page).
     *
     * @param fd an open descriptor of a file at least {@link #length()} bytes long, which the
     *     caller owns
     * @param target the file, for messages
     * @return the bytes written, a multiple of the page size
     * @throws IllegalStateException if the mapping is closed
     * @throws KvmException if reading pagemap or {@code pwrite} fails
     */
    long copyResidentTo(int fd, String target) {
        long pages = length / PAGE;
        ByteBuffer entries = ByteBuffer.allocate(PAGEMAP_PAGES_PER_READ * PAGEMAP_ENTRY).order(ByteOrder.nativeOrder());
        long written = 0;
        long stamp = lockOpen(0, length);
        FileChannel pagemap = openPagemap();
        try {
            for (long first = 0; first < pages; first += PAGEMAP_PAGES_PER_READ) {
                int n = (int) Math.min(PAGEMAP_PAGES_PER_READ, pages - first);
                if (pagemap != null) {
                    readPagemap(pagemap, entries, first, n);
                }
                int i = 0;
                while (i < n) {
                    if (!copyable(pagemap == null || inUse(entries, i), first + i)) {
                        i++;
                        continue;
                    }
                    int end = i + 1;
                    while (end < n && end - i < MAX_WRITE_PAGES
                            && copyable(pagemap == null || inUse(entries, end), first + end)) {
                        end++;
                    }
                    long offset = (first + i) * PAGE;
                    writeFully(fd, offset, (end - i) * PAGE, target);
                    written += (end - i) * PAGE;
                    i = end;
                }
            }
        } finally {
            lock.unlockRead(stamp);
            if (pagemap != null) {
                try {
                    pagemap.close();
                } catch (IOException ignored) {
                    // read only; nothing was written that a failed close could lose
                }
            }
        }
        return written;
    }

    /** This process's pagemap, or null if it cannot be opened (then every page counts as in use). */
    private static FileChannel openPagemap() {
        try {
            return FileChannel.open(Path.of("/proc/self/pagemap"), StandardOpenOption.READ);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /** Reads the n pagemap entries of pages [first, + n) of this mapping into entries. */
    private void readPagemap(FileChannel pagemap, ByteBuffer entries, long first, int n) {
        entries.clear().limit(n * PAGEMAP_ENTRY);
        long position = (address / PAGE + first) * PAGEMAP_ENTRY;
        try {
            while (entries.hasRemaining()) {
                if (pagemap.read(entries, position + entries.position()) <= 0) {
                    throw new IOException("short read at " + (position + entries.position()));
                }
            }
        } catch (IOException e) {
            throw new KvmException("reading /proc/self/pagemap for " + what + ": " + e.getMessage());
        }
    }

    /** Whether entry i says its page is present (bit 63) or swapped out (bit 62); proc(5), pagemap. */
    private static boolean inUse(ByteBuffer entries, int i) {
        return (entries.getLong(i * PAGEMAP_ENTRY) & (PAGEMAP_PRESENT | PAGEMAP_SWAPPED)) != 0;
    }

    /** Whether the page at index {@code page} is in use and not all zero; under the read lock. */
    private boolean copyable(boolean inUse, long page) {
        if (!inUse) {
            return false;
        }
        long offset = page * PAGE;
        // SAFETY: the page [offset, + PAGE) is inside the mapping (page < length / PAGE) and inside
        // one chunk (PAGE divides CHUNK); the mapping is mapped while the read lock is held. A read
        // allocates nothing new: the page is present, swapped (read back in), or the zero page.
        ByteBuffer view = chunks[(int) (offset / CHUNK)].slice((int) (offset % CHUNK), (int) PAGE);
        return view.mismatch(ZERO_PAGE.duplicate()) != -1;
    }

    /** pwrite of [offset, + count) of this mapping to the same offset of fd, retried until all is written; under the read lock. */
    private void writeFully(int fd, long offset, long count, String target) {
        long done = 0;
        while (done < count) {
            long n;
            try {
                // SAFETY: [address + offset + done, + count - done) lies inside this mapping
                // (copyResidentTo passes whole pages below length / PAGE), which stays mapped while
                // the read lock is held; pwrite only reads it.
                n = Native.pwrite(fd, address + offset + done, count - done, offset + done);
            } catch (RuntimeException e) {
                if (Native.isErrno(e) && Native.errno(e) == Native.EINTR) {
                    continue;
                }
                throw Native.failure(e, "pwrite of " + (count - done) + " bytes of " + what + " to " + target);
            }
            if (n <= 0) {
                throw new KvmException("pwrite of " + what + " to " + target + " wrote nothing at offset "
                        + (offset + done));
            }
            done += n;
        }
    }

    /**
     * Frees every page of the mapping ({@code madvise(MADV_DONTNEED)}): it stays mapped, and an
     * anonymous mapping then reads as zeros, a private file mapping as its file.
     *
     * @throws IllegalStateException if the mapping is closed
     * @throws KvmException if {@code madvise} fails
     */
    public void discard() {
        long stamp = lockOpen(0, length);
        try {
            // SAFETY: the whole mapping, which stays mapped while the read lock is held; later
            // accesses see zero-filled (or file) pages, never unmapped memory.
            Native.madvise(address, length, Native.MADV_DONTNEED);
        } catch (RuntimeException e) {
            throw Native.failure(e, "madvise(MADV_DONTNEED) on " + what);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** @return whether {@link #close()} has been called (the unmap may still be waiting for accesses) */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Copies between {@code [offset, + count)} of the mapping, split at the chunks, and
     * {@code array}, under the read lock.
     */
    private void copy(long offset, byte[] array, int arrayOffset, int count, boolean toMapping) {
        Objects.checkFromIndexSize(arrayOffset, count, array.length);
        long stamp = lockOpen(offset, count);
        try {
            int done = 0;
            while (done < count) {
                long pos = offset + done;
                ByteBuffer chunk = chunks[(int) (pos / CHUNK)];
                int at = (int) (pos % CHUNK);
                int n = Math.min(count - done, chunk.capacity() - at);
                // SAFETY: [pos, + n) is inside the mapping (checked by lockOpen) and inside this
                // chunk (n is clamped to it); the mapping stays mapped while the read lock is held.
                if (toMapping) {
                    chunk.put(at, array, arrayOffset + done, n);
                } else {
                    chunk.get(at, array, arrayOffset + done, n);
                }
                done += n;
            }
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /**
     * Takes the read lock for an access to {@code [offset, + count)}, after checking the range and
     * that the mapping is still open.
     */
    private long lockOpen(long offset, long count) {
        checkRange(offset, count);
        if (closed) {
            throw closedError();
        }
        long stamp = lock.readLock();
        if (closed) { // close() began after the check above: it may unmap as soon as we unlock
            lock.unlockRead(stamp);
            throw closedError();
        }
        return stamp;
    }

    private void checkRange(long offset, long count) {
        if (offset < 0 || count < 0 || offset > length - count) {
            throw new IndexOutOfBoundsException(String.format(
                    "range [%d, +%d) outside the %d-byte mapping of %s", offset, count, length, what));
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException(what + " is already unmapped (its owner was closed)");
    }

    /** Refuses new accesses, waits for those under way, then unmaps. Idempotent. */
    @Override
    public void close() {
        closed = true;
        long stamp = lock.writeLock();
        try {
            if (unmapped) {
                return;
            }
            unmapped = true;
            // SAFETY: no access holds the read lock now, and every later one sees `closed`.
            Native.munmap(address, length);
        } catch (RuntimeException e) {
            if (!Native.isErrno(e)) {
                throw e;
            }
            throw new KvmException("munmap of " + what, Native.errno(e), e);
        } finally {
            lock.unlockWrite(stamp);
        }
    }
}
