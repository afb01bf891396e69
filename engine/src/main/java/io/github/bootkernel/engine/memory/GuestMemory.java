package io.github.bootkernel.engine.memory;

import io.github.bootkernel.engine.kvm.Mapping;
import io.github.bootkernel.engine.kvm.MemoryFile;
import io.github.bootkernel.engine.kvm.Vm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Guest RAM: one host mapping, registered with KVM as one memory slot per region, read and
 * written by guest physical address.
 *
 * <p>The memory is reserved, not touched: a 1 GiB guest costs only the pages the guest and the
 * loader actually use. {@link #allocate} maps anonymous memory with transparent huge pages advised
 * (the fastest for a boot); {@link #copyToFile()} copies its content once into a sealed memory file
 * for a snapshot, and {@link #cloneOf} maps such a file private, copy-on-write: the clone reads the
 * file's pages until it writes its own, and never changes the file. Where RAM sits in guest
 * physical memory is the caller's choice ({@code boot.Layout.ram}: below the 32-bit MMIO hole, the
 * rest from 4 GiB); this class only checks each access against those regions.
 */
public final class GuestMemory implements AutoCloseable {

    /** The page size regions are aligned to. */
    public static final long PAGE = 4096;

    private final Mapping mapping;
    /** The file a clone maps; null for memory from {@link #allocate}. */
    private final MemoryFile file;
    private final AtomicBoolean fileReleased = new AtomicBoolean();
    private final long size;
    private final List<Region> regions;

    /**
     * A range of guest physical addresses backed by RAM.
     *
     * @param guestAddress first guest physical address
     * @param size bytes
     * @param hostOffset where the range starts in the host mapping
     */
    public record Region(long guestAddress, long size, long hostOffset) {
        /** @return the first address past the region */
        public long end() {
            return guestAddress + size;
        }
    }

    private GuestMemory(Mapping mapping, MemoryFile file, List<Region> regions) {
        this.mapping = mapping;
        this.file = file;
        this.size = mapping.length();
        this.regions = regions;
    }

    /**
     * Reserves host memory for guest RAM at the given guest physical regions; the host mapping
     * holds them back to back, in order.
     *
     * @param regions where RAM goes (see {@code boot.Layout.ram}): in ascending, non-overlapping
     *     guest order, each page-aligned and a positive multiple of {@link #PAGE}, each
     *     {@code hostOffset} the sum of the sizes before it
     * @return the guest memory, owned by the caller
     * @throws IllegalArgumentException if the regions are not laid out that way
     */
    public static GuestMemory allocate(List<Region> regions) {
        long size = checkLayout(regions);
        return new GuestMemory(Mapping.anonymous(size, "guest RAM"), null, List.copyOf(regions));
    }

    /**
     * Maps guest RAM that a snapshot's memory file holds ({@link #copyToFile()}), copy-on-write
     * ({@code MAP_PRIVATE}): reads see the file's pages, writes make private copies, and the file is
     * never changed. Costs no copy: only the pages this clone writes take new host memory.
     *
     * @param file the memory file of the RAM to clone; this memory takes a reference of its own,
     *     released by {@link #close()}
     * @param regions the regions that file was laid out with (as for {@link #allocate})
     * @return the clone's guest memory, owned by the caller
     * @throws IllegalArgumentException if the regions are not laid out as {@link #allocate} requires,
     *     or do not add up to the file's length
     * @throws IllegalStateException if the file is already closed
     */
    public static GuestMemory cloneOf(MemoryFile file, List<Region> regions) {
        long size = checkLayout(regions);
        if (size != file.length()) {
            throw new IllegalArgumentException("guest RAM regions of " + size + " bytes for a memory file of "
                    + file.length() + " bytes (" + file + ")");
        }
        file.retain();
        try {
            return new GuestMemory(Mapping.ofFile(file, "cloned guest RAM"), file, List.copyOf(regions));
        } catch (RuntimeException | Error e) {
            file.release();
            throw e;
        }
    }

    /**
     * Copies this RAM once into a new memory file for a snapshot: only the pages the host holds
     * that are not all zero ({@link MemoryFile#copyOf}), then seals the file. The caller keeps the
     * guest from running meanwhile.
     *
     * @return the sealed file, with one reference owned by the caller
     * @throws io.github.bootkernel.engine.kvm.KvmException if the host refuses a step; no file is
     *     left open then
     * @throws IllegalStateException after {@link #close()}
     */
    public MemoryFile copyToFile() {
        return MemoryFile.copyOf(mapping, "guest RAM snapshot");
    }

    /**
     * Gives every page of this RAM back to the host ({@code MADV_DONTNEED}); the memory stays
     * mapped and reads as zeros (a clone's: as its file) from then on. For a machine that will not
     * run again, after a snapshot copied its RAM.
     *
     * @throws IllegalStateException after {@link #close()}
     * @throws io.github.bootkernel.engine.kvm.KvmException if {@code madvise} fails
     */
    public void discard() {
        mapping.discard();
    }

    /** @return whether this is a copy-on-write clone of another machine's RAM (see {@link #cloneOf}) */
    public boolean isClone() {
        return file != null;
    }

    private static long checkLayout(List<Region> regions) {
        long size = 0;
        long end = 0;
        for (Region r : regions) {
            if (r.size() <= 0 || r.size() % PAGE != 0 || r.guestAddress() % PAGE != 0 || r.guestAddress() < end
                    || r.hostOffset() != size) {
                throw new IllegalArgumentException("guest RAM regions must be page-aligned, ascending and packed"
                        + " back to back in the host mapping, got " + regions);
            }
            size = Math.addExact(size, r.size());
            end = r.end();
        }
        if (size == 0) {
            throw new IllegalArgumentException("guest RAM needs at least one region");
        }
        return size;
    }

    /**
     * Registers every region with the VM as its own memory slot.
     *
     * @param vm the VM
     */
    public void register(Vm vm) {
        for (int slot = 0; slot < regions.size(); slot++) {
            Region r = regions.get(slot);
            vm.setUserMemoryRegion(slot, r.guestAddress(), mapping, r.hostOffset(), r.size());
        }
    }

    /** @return total bytes of RAM */
    public long size() {
        return size;
    }

    /** @return the RAM regions in guest physical address order */
    public List<Region> regions() {
        return regions;
    }

    /**
     * Copies bytes into guest memory.
     *
     * @param guestAddress destination guest physical address
     * @param data the bytes
     * @param offset first byte of {@code data} to copy
     * @param length how many bytes
     * @throws GuestMemoryException if the range is not entirely RAM
     * @throws IllegalStateException if the memory is released
     */
    public void write(long guestAddress, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        mapping.write(hostOffset(guestAddress, length), data, offset, length);
    }

    /**
     * Copies bytes into guest memory.
     *
     * @param guestAddress destination guest physical address
     * @param data the bytes
     */
    public void write(long guestAddress, byte[] data) {
        write(guestAddress, data, 0, data.length);
    }

    /**
     * Copies {@code length} bytes from a stream into guest memory in pieces, without holding
     * them all on the heap (for a kernel or initrd file).
     *
     * @param guestAddress destination guest physical address
     * @param in the source, read from its current position
     * @param length how many bytes
     * @throws GuestMemoryException if the range is not entirely RAM (checked before reading)
     * @throws java.io.EOFException if the stream ends early
     * @throws IOException if reading fails
     */
    public void write(long guestAddress, InputStream in, long length) throws IOException {
        mapping.copyFrom(hostOffset(guestAddress, length), in, length);
    }

    /**
     * Copies {@code length} bytes of a file, from {@code position}, into guest memory: the file is
     * read straight into guest RAM, never onto the heap (for a kernel or initrd).
     *
     * @param guestAddress destination guest physical address
     * @param file the source; its own position is unchanged
     * @param position where to start in the file
     * @param length how many bytes
     * @throws GuestMemoryException if the range is not entirely RAM (checked before reading)
     * @throws java.io.EOFException if the file ends early
     * @throws IOException if reading fails
     * @throws IllegalStateException if the memory is released
     */
    public void write(long guestAddress, FileChannel file, long position, long length) throws IOException {
        mapping.copyFrom(hostOffset(guestAddress, length), file, position, length);
    }

    /**
     * Copies bytes out of guest memory.
     *
     * @param guestAddress source guest physical address
     * @param length how many bytes
     * @return a new array
     * @throws GuestMemoryException if the range is not entirely RAM
     * @throws IllegalStateException if the memory is released
     */
    public byte[] read(long guestAddress, int length) {
        long host = hostOffset(guestAddress, length);
        byte[] out = new byte[length];
        mapping.read(host, out, 0, length);
        return out;
    }

    /**
     * Whether a range is entirely RAM.
     *
     * @param guestAddress first address
     * @param length bytes
     * @return true if every byte is backed
     */
    public boolean contains(long guestAddress, long length) {
        return region(guestAddress, length) != null;
    }

    private Region region(long guestAddress, long length) {
        if (length < 0 || guestAddress < 0) {
            return null;
        }
        for (Region r : regions) {
            if (guestAddress >= r.guestAddress() && guestAddress - r.guestAddress() <= r.size() - length) {
                return r;
            }
        }
        return null;
    }

    private long hostOffset(long guestAddress, long length) {
        Region r = region(guestAddress, length);
        if (r == null) {
            throw new GuestMemoryException(String.format(
                    "guest range [0x%x, +0x%x) is not inside guest RAM %s", guestAddress, length, regions));
        }
        return r.hostOffset() + (guestAddress - r.guestAddress());
    }

    /**
     * Counts the bytes of guest RAM the host holds in memory now: the pages the guest or the
     * loader touched, which is all a guest costs the host (the rest is only reserved). For a
     * {@linkplain #cloneOf clone} this includes the cloned file's pages in memory, which the clone
     * shares with its snapshot and the other clones ({@code mincore(2)} counts the page cache).
     *
     * @return resident bytes, at most {@link #size()}
     * @throws IllegalStateException after {@link #close()}
     */
    public long residentBytes() {
        return mapping.residentBytes();
    }

    /**
     * Unmaps the memory, after any copy under way, and for a clone releases its reference to the
     * memory file it maps; later reads and writes throw {@link IllegalStateException}. Call only after the
     * VM that uses it is closed. Idempotent.
     */
    @Override
    public void close() {
        try {
            mapping.close();
        } finally {
            if (file != null && fileReleased.compareAndSet(false, true)) {
                file.release();
            }
        }
    }
}
