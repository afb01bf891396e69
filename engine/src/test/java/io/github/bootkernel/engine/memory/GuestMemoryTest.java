package io.github.bootkernel.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.boot.HostCounters;
import io.github.bootkernel.engine.kvm.MemoryFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guest RAM by guest physical address, and what happens after it is released. */
class GuestMemoryTest {

    private static final long MIB = 1 << 20;

    @Test
    void bytesWrittenAtAGuestAddressAreReadBack() throws Exception {
        try (GuestMemory memory = GuestMemory.allocate(List.of(new GuestMemory.Region(0, 4 * MIB, 0)))) {
            memory.write(0x1000, new byte[] {1, 2, 3, 4}, 1, 2);
            memory.write(0x2000, new ByteArrayInputStream(new byte[] {5, 6, 7}), 3);
            assertThat(memory.read(0x1000, 3)).containsExactly(2, 3, 0);
            assertThat(memory.read(0x2000, 3)).containsExactly(5, 6, 7);
        }
    }

    @Test
    void rangesOutsideRamAreATypedErrorCheckedBeforeAStreamIsRead() {
        try (GuestMemory memory = GuestMemory.allocate(List.of(new GuestMemory.Region(0, 4 * MIB, 0)))) {
            assertThatThrownBy(() -> memory.read(4 * MIB - 1, 2))
                    .isInstanceOf(GuestMemoryException.class)
                    .hasMessageContaining("is not inside guest RAM");
            InputStream untouched = new InputStream() {
                @Override
                public int read() {
                    throw new AssertionError("read before the range was checked");
                }
            };
            assertThatThrownBy(() -> memory.write(4 * MIB - 10, untouched, 11))
                    .isInstanceOf(GuestMemoryException.class);
            assertThatThrownBy(() -> memory.write(0, new byte[2], 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void aFileRangeIsReadIntoGuestMemoryAfterTheRangeIsChecked(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        try (FileChannel channel = FileChannel.open(file);
             GuestMemory memory = GuestMemory.allocate(List.of(new GuestMemory.Region(0, 4 * MIB, 0),
                     new GuestMemory.Region(8 * MIB, 4 * MIB, 4 * MIB)))) {
            memory.write(8 * MIB + 0x10, channel, 2, 5);
            assertThat(memory.read(8 * MIB + 0x10, 6)).containsExactly(3, 4, 5, 6, 7, 0);
            assertThatThrownBy(() -> memory.write(4 * MIB - 2, channel, 0, 4))
                    .isInstanceOf(GuestMemoryException.class)
                    .hasMessageContaining("is not inside guest RAM");
        }
    }

    @Test
    void useAfterCloseThrowsInsteadOfCrashing() {
        GuestMemory memory = GuestMemory.allocate(List.of(new GuestMemory.Region(0, 4 * MIB, 0)));
        memory.write(0x1000, new byte[] {1});
        memory.close();
        assertThatThrownBy(() -> memory.read(0x1000, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("guest RAM is already unmapped");
        assertThatThrownBy(() -> memory.write(0x1000, new byte[] {2})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> memory.write(0x1000, new ByteArrayInputStream(new byte[1]), 1))
                .isInstanceOf(IllegalStateException.class);
        memory.close(); // idempotent
    }

    @Test
    void refusesRegionsThatOverlapOrAreNotPackedInTheMapping() {
        assertThatThrownBy(() -> GuestMemory.allocate(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GuestMemory.allocate(List.of(new GuestMemory.Region(0, 4 * MIB, 0),
                new GuestMemory.Region(2 * MIB, 4 * MIB, 4 * MIB))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
        assertThatThrownBy(() -> GuestMemory.allocate(List.of(new GuestMemory.Region(0, 4 * MIB, 4096))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GuestMemory.allocate(List.of(new GuestMemory.Region(100, 4 * MIB, 0))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCloneReadsTheCopyAndKeepsItsWritesToItself() {
        List<GuestMemory.Region> ram = List.of(new GuestMemory.Region(0, 4 * MIB, 0),
                new GuestMemory.Region(8 * MIB, 4 * MIB, 4 * MIB));
        try (GuestMemory source = GuestMemory.allocate(ram)) {
            source.write(0x1000, new byte[] {1, 2, 3});
            source.write(8 * MIB, new byte[] {9});
            MemoryFile file = source.copyToFile();
            try {
                source.write(0x1000, new byte[] {4});
                try (GuestMemory a = GuestMemory.cloneOf(file, ram);
                     GuestMemory b = GuestMemory.cloneOf(file, ram)) {
                    assertThat(a.isClone()).isTrue();
                    assertThat(source.isClone()).isFalse();
                    assertThat(a.read(0x1000, 3)).as("the copy, not the source's later write").containsExactly(1, 2, 3);
                    assertThat(b.read(8 * MIB, 1)).containsExactly(9);
                    a.write(0x1001, new byte[] {7});
                    b.write(8 * MIB, new byte[] {5});
                    assertThat(a.read(0x1000, 3)).containsExactly(1, 7, 3);
                    assertThat(b.read(0x1000, 3)).as("the other clone").containsExactly(1, 2, 3);
                    assertThat(source.read(0x1000, 3)).as("the source").containsExactly(4, 2, 3);
                    assertThat(a.read(8 * MIB, 1)).containsExactly(9);
                    assertThat(file.references()).isEqualTo(3);
                }
                assertThat(file.references()).isEqualTo(1);
            } finally {
                file.release();
            }
        }
    }

    @Test
    void theCopyOutlivesTheMemoryItWasMadeFromAndIsClosedWithTheLastReference() throws Exception {
        List<GuestMemory.Region> ram = List.of(new GuestMemory.Region(0, 4 * MIB, 0));
        long fds = HostCounters.openFds();
        GuestMemory source = GuestMemory.allocate(ram);
        source.write(0x10, new byte[] {42});
        MemoryFile file = source.copyToFile();
        source.close();
        source.close();
        assertThat(file.references()).isEqualTo(1);
        try (GuestMemory clone = GuestMemory.cloneOf(file, ram)) {
            assertThat(clone.read(0x10, 1)).containsExactly(42);
        }
        file.release();
        assertThat(file.references()).isZero();
        assertThatThrownBy(() -> GuestMemory.cloneOf(file, ram)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already closed");
        assertThat(HostCounters.openFds()).isLessThanOrEqualTo(fds);
        try (GuestMemory other = GuestMemory.allocate(ram)) {
            MemoryFile otherFile = other.copyToFile();
            try {
                assertThatThrownBy(() -> GuestMemory.cloneOf(otherFile, List.of(new GuestMemory.Region(0, 8 * MIB, 0))))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("for a memory file of 4194304 bytes");
                assertThat(otherFile.references()).isEqualTo(1);
            } finally {
                otherFile.release();
            }
        }
        assertThat(HostCounters.openFds()).isLessThanOrEqualTo(fds);
    }

    @Test
    void aFailedCopyLeavesNoDescriptor() {
        GuestMemory memory = GuestMemory.allocate(List.of(new GuestMemory.Region(0, 4 * MIB, 0)));
        memory.close();
        long fds = HostCounters.openFds();
        // The memfd is made first; the copy then finds the mapping closed.
        assertThatThrownBy(memory::copyToFile).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already unmapped");
        assertThat(HostCounters.openFds()).as("open file descriptors").isEqualTo(fds);
    }

    @Test
    void theCopyOfHalfAGibibyteHoldsOnlyThePagesWrittenAndIsSealed() {
        long size = 512 * MIB;
        List<GuestMemory.Region> ram = List.of(new GuestMemory.Region(0, size, 0));
        byte[] piece = new byte[(int) MIB];
        Arrays.fill(piece, (byte) 0x5a);
        try (GuestMemory source = GuestMemory.allocate(ram)) {
            for (long at = 16 * MIB; at < 32 * MIB; at += MIB) {
                source.write(at, piece);
            }
            source.write(100 * MIB + 0x10, new byte[] {7}); // one page of a huge page
            source.read(200 * MIB, (int) (8 * MIB)); // read faults: resident zero pages
            assertThat(source.residentBytes()).as("resident before the copy").isGreaterThan(16 * MIB);
            MemoryFile file = source.copyToFile();
            try (GuestMemory clone = GuestMemory.cloneOf(file, ram)) {
                assertThat(file.copiedBytes()).as("bytes copied").isEqualTo(16 * MIB + GuestMemory.PAGE);
                assertThat(file.allocatedBytes()).as("bytes the memfd holds").isEqualTo(16 * MIB + GuestMemory.PAGE);
                assertThat(file.length()).isEqualTo(size);
                assertThat(file.seals()).as("F_GET_SEALS").isEqualTo(MemoryFile.SEALS).isEqualTo(0xf);
                assertThat(clone.read(16 * MIB, 1)).containsExactly(0x5a);
                assertThat(clone.read(32 * MIB - 1, 2)).containsExactly(0x5a, 0);
                assertThat(clone.read(100 * MIB + 0x0f, 3)).containsExactly(0, 7, 0);
                clone.write(size - 1, new byte[] {1});
                assertThat(clone.read(size - 1, 1)).as("a clone writes its private copy of a sealed file")
                        .containsExactly(1);
                try (GuestMemory other = GuestMemory.cloneOf(file, ram)) {
                    assertThat(other.read(size - 1, 1)).as("the file after a clone wrote").containsExactly(0);
                }
                // shmem fills a hole with a zero page of the file's page cache when a mapping faults
                // on it (shared by every clone, at most once per page): the reads at 32 MiB and the
                // write at the end did. Still no copy of the 496 MiB never written.
                assertThat(file.allocatedBytes()).as("the file after clones faulted on two holes")
                        .isEqualTo(16 * MIB + 3 * GuestMemory.PAGE);
            } finally {
                file.release();
            }
        }
    }

    @Test
    void ordinaryRamIsAnonymousWithHugePagesAdvisedAndACloneMapsTheSnapshotsMemfd() throws Exception {
        long size = 516 * MIB; // a size nothing else in this JVM maps
        List<GuestMemory.Region> ram = List.of(new GuestMemory.Region(0, 512 * MIB, 0),
                new GuestMemory.Region(4096 * MIB, 4 * MIB, 512 * MIB));
        try (GuestMemory source = GuestMemory.allocate(ram)) {
            source.write(0, new byte[] {1});
            List<Smaps> entries = smapsOfSize(size);
            assertThat(entries).as("mappings of %d bytes", size).hasSize(1);
            assertThat(entries.get(0).path()).as("an anonymous mapping names no file").isEmpty();
            assertThat(entries.get(0).flags()).as("VmFlags: hg = MADV_HUGEPAGE, dc = MADV_DONTFORK")
                    .contains("hg", "dc");
            MemoryFile file = source.copyToFile();
            try (GuestMemory clone = GuestMemory.cloneOf(file, ram)) {
                clone.read(0, 1);
                List<Smaps> both = smapsOfSize(size);
                assertThat(both).hasSize(2);
                assertThat(both).filteredOn(e -> e.path().contains("memfd:bootkernel guest RAM snapshot"))
                        .hasSize(1).allSatisfy(e -> assertThat(e.flags()).contains("hg", "dc"));
            } finally {
                file.release();
            }
        }
    }

    private record Smaps(String path, List<String> flags) {
    }

    /** The entries of /proc/self/smaps whose Size is {@code bytes}: their path (empty if anonymous) and VmFlags. */
    private static List<Smaps> smapsOfSize(long bytes) throws Exception {
        List<Smaps> out = new ArrayList<>();
        String header = null;
        boolean match = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                header = line;
                match = false;
            } else if (line.startsWith("Size:")) {
                match = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 == bytes;
            } else if (line.startsWith("VmFlags:") && match) {
                String[] fields = header.trim().split("\\s+", 6);
                out.add(new Smaps(fields.length == 6 ? fields[5] : "",
                        List.of(line.substring("VmFlags:".length()).trim().split("\\s+"))));
            }
        }
        return out;
    }

    @Test
    void cloningACopyOfHalfAGibibyteOfWrittenRamCopiesNoneOfIt() {
        long size = 512 * MIB;
        List<GuestMemory.Region> ram = List.of(new GuestMemory.Region(0, size, 0));
        byte[] piece = new byte[(int) MIB];
        Arrays.fill(piece, (byte) 0x5a);
        try (GuestMemory source = GuestMemory.allocate(ram)) {
            for (long at = 0; at < size; at += MIB) {
                source.write(at, piece);
            }
            MemoryFile file = source.copyToFile();
            try {
                assertThat(file.copiedBytes()).isEqualTo(size);
                source.discard();
                assertThat(source.read(0, 1)).as("the source after discard()").containsExactly(0);
                long before = residentSetBytes();
                try (GuestMemory clone = GuestMemory.cloneOf(file, ram)) {
                    clone.write(size - 1, new byte[] {1});
                    assertThat(clone.read(size - 2, 2)).containsExactly(0x5a, 1);
                    assertThat(clone.read(0, 1)).containsExactly(0x5a);
                    long grown = residentSetBytes() - before;
                    assertThat(grown).as("host RSS growth for a clone of 512 MiB of written RAM, bytes")
                            .isLessThan(16 * MIB);
                }
            } finally {
                file.release();
            }
        }
    }

    /** VmRSS of this process, from /proc/self/status, in bytes. */
    private static long residentSetBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
