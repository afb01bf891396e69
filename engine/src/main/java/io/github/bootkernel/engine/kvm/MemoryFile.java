package io.github.bootkernel.engine.kvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Checksum;

/**
 * A sealed, read-only copy of guest RAM in an anonymous in-memory file ({@code memfd_create(2)},
 * {@code MFD_CLOEXEC | MFD_ALLOW_SEALING}): what a snapshot keeps, and what its clones map
 * copy-on-write ({@link Mapping#ofFile}).
 *
 * <p>{@link #copyOf} writes only the pages of the source mapping that are resident and not all
 * zero; the rest stay holes, which read as zeros and cost nothing. Then the file is sealed against
 * any change of size or content ({@code F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL}),
 * so no clone and no later bug can alter what every clone reads.
 *
 * <p>Reference-counted: {@link #copyOf} returns it with one reference; every further owner calls
 * {@link #retain()} and each owner {@link #release()}s once; the last release closes the
 * descriptor. Mappings made from it stay valid after that (the kernel keeps the file for them).
 * Thread-safe.
 */
public final class MemoryFile {

    /** The seals {@link #copyOf} sets: no shrinking, growing or writing, and no seal removed or added. */
    public static final int SEALS = Native.F_SEAL_SHRINK | Native.F_SEAL_GROW | Native.F_SEAL_WRITE
            | Native.F_SEAL_SEAL;

    /** The buffer that {@link #writeData} and {@link #readFrom} copy through, in bytes. */
    private static final int COPY_BUFFER = 1 << 20;

    private final Fd fd;
    private final long length;
    private final long copiedBytes;
    private int references = 1;

    private MemoryFile(Fd fd, long length, long copiedBytes) {
        this.fd = fd;
        this.length = length;
        this.copiedBytes = copiedBytes;
    }

    /**
     * Copies a mapping's resident, non-zero pages into a new memory file of the mapping's length and
     * seals it. The caller keeps the mapping's content still while this runs (a snapshot holds the
     * vCPUs).
     *
     * @param source the mapping to copy, open
     * @param what what it holds, for messages and the file's name in {@code /proc/PID/fd}
     * @return the sealed file, with one reference owned by the caller
     * @throws KvmException if the host refuses {@code memfd_create}, {@code ftruncate},
     *     {@code mincore}, {@code pwrite} or {@code F_ADD_SEALS}; the file is closed then
     * @throws IllegalStateException if the mapping is closed
     */
    public static MemoryFile copyOf(Mapping source, String what) {
        long length = source.length();
        Fd fd = create(what, length);
        int n = fd.fd();
        try {
            long copied = source.copyResidentTo(n, fd.name());
            seal(fd);
            return new MemoryFile(fd, length, copied);
        } catch (RuntimeException | Error e) {
            fd.close();
            throw e;
        }
    }

    /**
     * A new memory file of {@code length} bytes, all holes, that may be sealed.
     *
     * @throws KvmException if the host refuses {@code memfd_create} or {@code ftruncate}; nothing is left open then
     */
    private static Fd create(String what, long length) {
        int n;
        try {
            n = Native.memfd_create("bootkernel " + what, Native.MFD_CLOEXEC | Native.MFD_ALLOW_SEALING);
        } catch (RuntimeException e) {
            throw Native.failure(e, "memfd_create for " + what);
        }
        Fd fd = new Fd(n, "memfd " + n + " (" + what + ")");
        try {
            Native.ftruncate(n, length);
        } catch (RuntimeException e) {
            fd.close();
            throw Native.failure(e, "ftruncate of the memfd for " + what + " to " + length + " bytes");
        }
        return fd;
    }

    /**
     * Seals a file against any change of size or content ({@link #SEALS}). F_SEAL_WRITE refuses
     * write(2) and new MAP_SHARED writable mappings, and is refused itself while one exists (there
     * is none: the copies use pwrite or a channel that is closed). It does not refuse MAP_PRIVATE
     * mappings with PROT_WRITE (fcntl(2), "File Sealing"; memfd_create(2)): their writes go to
     * private copy-on-write pages, never to the file, which is how every clone maps it.
     *
     * @throws KvmException if {@code F_ADD_SEALS} fails
     */
    private static void seal(Fd fd) {
        try {
            Native.fcntl(fd.fd(), Native.F_ADD_SEALS, SEALS);
        } catch (RuntimeException e) {
            throw Native.failure(e, "fcntl(F_ADD_SEALS) on " + fd.name());
        }
    }

    /** @return the file's length in bytes, the guest RAM's size */
    public long length() {
        return length;
    }

    /** @return how many bytes {@link #copyOf} wrote: the source's resident pages that were not all zero */
    public long copiedBytes() {
        return copiedBytes;
    }

    /**
     * A run of pages the file holds data for.
     *
     * @param offset the first byte's offset in the file, a multiple of 4096
     * @param length bytes, a positive multiple of 4096
     */
    public record Extent(long offset, long length) {
        /** @return the offset past the run */
        public long end() {
            return offset + length;
        }
    }

    /**
     * Counts the bytes the file holds data for (its pages, not its holes), with {@code lseek(2)}
     * {@code SEEK_DATA} and {@code SEEK_HOLE}, which shmem answers per page.
     *
     * @return allocated bytes, at most {@link #length()}
     * @throws IllegalStateException if the file is closed
     * @throws KvmException if {@code lseek} fails
     */
    public long allocatedBytes() {
        return dataExtents().stream().mapToLong(Extent::length).sum();
    }

    /**
     * The runs of pages the file holds data for, in ascending order, from {@code lseek(2)}
     * {@code SEEK_DATA} and {@code SEEK_HOLE} (shmem answers per page); the rest are holes, which
     * read as zeros.
     *
     * @return the runs, neither empty nor touching one another
     * @throws IllegalStateException if the file is closed
     * @throws KvmException if {@code lseek} fails
     */
    public synchronized List<Extent> dataExtents() {
        int n = fdForMapping();
        List<Extent> extents = new ArrayList<>();
        long at = 0;
        try {
            while (at < length) {
                long data;
                try {
                    data = Native.lseek(n, at, Native.SEEK_DATA);
                } catch (RuntimeException e) {
                    if (Native.isErrno(e) && Native.errno(e) == Native.ENXIO) {
                        break; // no data at or after `at`
                    }
                    throw e;
                }
                long hole = Math.min(length, Native.lseek(n, data, Native.SEEK_HOLE));
                if (hole > data) {
                    extents.add(new Extent(data, hole - data));
                }
                at = Math.max(hole, data + 1);
            }
        } catch (RuntimeException e) {
            throw Native.failure(e, "lseek(SEEK_DATA/SEEK_HOLE) on " + fd.name());
        }
        return extents;
    }

    /**
     * Writes the bytes of some runs to a channel, back to back, in the order given: what a
     * snapshot file holds after its state. Reads the file through {@code /proc/self/fd}, a new
     * read-only descriptor of the same file, with positioned reads into a buffer of
     * {@value #COPY_BUFFER} bytes that is written out whenever it is full: one {@code pread} per run
     * (or per {@value #COPY_BUFFER} bytes of it) and one {@code write} per full buffer.
     *
     * @param extents runs inside the file
     * @param target where to write, at its position
     * @param checksum updated with every byte written, in order
     * @return bytes written
     * @throws IOException if reading or writing fails
     * @throws IllegalStateException if the file is closed
     */
    public synchronized long writeData(List<Extent> extents, WritableByteChannel target, Checksum checksum)
            throws IOException {
        long written = 0;
        ByteBuffer buffer = ByteBuffer.allocateDirect(COPY_BUFFER);
        try (FileChannel source = FileChannel.open(Path.of("/proc/self/fd/" + fdForMapping()),
                StandardOpenOption.READ)) {
            for (Extent e : extents) {
                if (e.offset() < 0 || e.end() > length) {
                    throw new IllegalArgumentException(e + " lies outside " + fd.name() + " of " + length + " bytes");
                }
                long at = e.offset();
                while (at < e.end()) {
                    if (!buffer.hasRemaining()) {
                        written += drain(buffer, target, checksum);
                    }
                    int n = (int) Math.min(buffer.remaining(), e.end() - at);
                    buffer.limit(buffer.position() + n);
                    readFully(source, buffer, at, fd.name());
                    buffer.limit(buffer.capacity());
                    at += n;
                }
            }
            written += drain(buffer, target, checksum);
        }
        return written;
    }

    /** Writes what the buffer holds, adds it to the checksum, and empties the buffer. */
    private static long drain(ByteBuffer buffer, WritableByteChannel target, Checksum checksum) throws IOException {
        buffer.flip();
        checksum.update(buffer.duplicate());
        long n = buffer.remaining();
        while (buffer.hasRemaining()) {
            target.write(buffer);
        }
        buffer.clear();
        return n;
    }

    /** Reads until the buffer's limit, from {@code position} on. */
    private static void readFully(FileChannel source, ByteBuffer buffer, long position, String what)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = source.read(buffer, at);
            if (n < 0) {
                throw new IOException(what + " ended at byte " + at + ", before the " + buffer.remaining()
                        + " bytes still to read there");
            }
            at += n;
        }
    }

    /**
     * Makes a sealed memory file of {@code length} bytes whose runs {@code extents} hold the bytes
     * that follow one another in {@code source} from {@code sourceOffset} (what {@link #writeData}
     * wrote), the rest holes. Reads {@code source} with positioned reads of at most
     * {@value #COPY_BUFFER} bytes and writes each run through a new descriptor of the memory file
     * ({@code /proc/self/fd}) with positioned writes, then seals it as {@link #copyOf} does. Copies
     * between Java channels through a buffer the JDK owns: no native memory of ours is touched.
     *
     * @param source the snapshot file, open for reading
     * @param sourceOffset where the first run's bytes start in it
     * @param extents the runs, inside {@code [0, length)}
     * @param length the memory file's length
     * @param what what it holds, for messages and the file's name in {@code /proc/PID/fd}
     * @param checksum updated with every byte read from {@code source}, in order
     * @return the sealed file, with one reference owned by the caller
     * @throws IOException if reading {@code source} fails or it ends early
     * @throws KvmException if the host refuses {@code memfd_create}, {@code ftruncate} or
     *     {@code F_ADD_SEALS}; the memory file is closed then, as on every failure
     */
    public static MemoryFile readFrom(FileChannel source, long sourceOffset, List<Extent> extents, long length,
                                      String what, Checksum checksum) throws IOException {
        Fd fd = create(what, length);
        int n = fd.fd();
        try {
            long copied = 0;
            long from = sourceOffset;
            ByteBuffer buffer = ByteBuffer.allocateDirect(COPY_BUFFER);
            try (FileChannel target = FileChannel.open(Path.of("/proc/self/fd/" + n), StandardOpenOption.WRITE)) {
                for (Extent e : extents) {
                    if (e.offset() < 0 || e.length() <= 0 || e.end() > length) {
                        throw new IllegalArgumentException(e + " lies outside a memory file of " + length + " bytes");
                    }
                    long at = e.offset();
                    while (at < e.end()) {
                        int chunk = (int) Math.min(COPY_BUFFER, e.end() - at);
                        buffer.clear().limit(chunk);
                        readFully(source, buffer, from, "the snapshot file");
                        buffer.flip();
                        checksum.update(buffer.duplicate());
                        while (buffer.hasRemaining()) {
                            at += target.write(buffer, at);
                        }
                        from += chunk;
                        copied += chunk;
                    }
                }
            }
            seal(fd);
            return new MemoryFile(fd, length, copied);
        } catch (IOException | RuntimeException | Error e) {
            fd.close();
            throw e;
        }
    }

    /**
     * @return the file's seals ({@code F_GET_SEALS}), {@link #SEALS} once {@link #copyOf} returned
     * @throws IllegalStateException if the file is closed
     * @throws KvmException if {@code fcntl} fails
     */
    public synchronized int seals() {
        int n = fdForMapping();
        try {
            return Native.fcntl(n, Native.F_GET_SEALS);
        } catch (RuntimeException e) {
            throw Native.failure(e, "fcntl(F_GET_SEALS) on " + fd.name());
        }
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
