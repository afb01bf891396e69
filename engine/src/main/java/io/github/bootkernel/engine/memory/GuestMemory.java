package io.github.bootkernel.engine.memory;

import io.github.bootkernel.engine.kvm.Mapping;
import io.github.bootkernel.engine.kvm.Vm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Guest RAM: one anonymous host mapping, registered with KVM as one memory slot per region, read
 * and written by guest physical address.
 *
 * <p>The mapping is reserved, not touched: a 1 GiB guest costs only the pages the guest and the
 * loader actually use. Where RAM sits in guest physical memory is the caller's choice
 * ({@code boot.Layout.ram}: below the 32-bit MMIO hole, the rest from 4 GiB); this class only
 * checks each access against those regions.
 */
public final class GuestMemory implements AutoCloseable {

    /** The page size regions are aligned to. */
    public static final long PAGE = 4096;

    private final Mapping mapping;
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

    private GuestMemory(Mapping mapping, List<Region> regions) {
        this.mapping = mapping;
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
        return new GuestMemory(Mapping.anonymous(size, "guest RAM"), List.copyOf(regions));
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
     * Unmaps the memory, after any copy under way; later reads and writes throw
     * {@link IllegalStateException}. Call only after the VM that uses it is closed. Idempotent.
     */
    /**
     * Counts the bytes of guest RAM the host holds in memory now: the pages the guest or the
     * loader touched, which is all a guest costs the host (the rest is only reserved).
     *
     * @return resident bytes, at most {@link #size()}
     * @throws IllegalStateException after {@link #close()}
     */
    public long residentBytes() {
        return mapping.residentBytes();
    }

    @Override
    public void close() {
        mapping.close();
    }
}
