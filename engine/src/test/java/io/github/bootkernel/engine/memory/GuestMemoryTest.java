package io.github.bootkernel.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void aCloneReadsTheFileAndKeepsItsWritesToItself() {
        List<GuestMemory.Region> ram = List.of(new GuestMemory.Region(0, 4 * MIB, 0),
                new GuestMemory.Region(8 * MIB, 4 * MIB, 4 * MIB));
        try (GuestMemory source = GuestMemory.allocate(ram)) {
            source.write(0x1000, new byte[] {1, 2, 3});
            source.write(8 * MIB, new byte[] {9});
            try (GuestMemory a = GuestMemory.cloneOf(source.file(), ram);
                 GuestMemory b = GuestMemory.cloneOf(source.file(), ram)) {
                assertThat(a.isClone()).isTrue();
                assertThat(source.isClone()).isFalse();
                assertThat(a.read(0x1000, 3)).containsExactly(1, 2, 3);
                assertThat(b.read(8 * MIB, 1)).containsExactly(9);
                a.write(0x1001, new byte[] {7});
                b.write(8 * MIB, new byte[] {5});
                assertThat(a.read(0x1000, 3)).containsExactly(1, 7, 3);
                assertThat(b.read(0x1000, 3)).as("the other clone").containsExactly(1, 2, 3);
                assertThat(source.read(0x1000, 3)).as("the source").containsExactly(1, 2, 3);
                assertThat(a.read(8 * MIB, 1)).containsExactly(9);
                assertThat(source.read(8 * MIB, 1)).containsExactly(9);
                assertThat(source.file().references()).isEqualTo(3);
            }
            assertThat(source.file().references()).isEqualTo(1);
        }
    }

    @Test
    void theFileOutlivesTheMemoryThatMadeItWhileAReferenceIsHeldAndIsClosedWithTheLast() throws Exception {
        List<GuestMemory.Region> ram = List.of(new GuestMemory.Region(0, 4 * MIB, 0));
        long fds = io.github.bootkernel.engine.boot.HostCounters.openFds();
        GuestMemory source = GuestMemory.allocate(ram);
        source.write(0x10, new byte[] {42});
        var file = source.file().retain();
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
        assertThat(io.github.bootkernel.engine.boot.HostCounters.openFds()).isLessThanOrEqualTo(fds);
        try (GuestMemory other = GuestMemory.allocate(ram)) {
            assertThatThrownBy(() -> GuestMemory.cloneOf(other.file(), List.of(new GuestMemory.Region(0, 8 * MIB, 0))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("for a memory file of 4194304 bytes");
            assertThat(other.file().references()).isEqualTo(1);
        }
    }

    @Test
    void cloningHalfAGibibyteOfWrittenRamCopiesNone() {
        long size = 512 * MIB;
        List<GuestMemory.Region> ram = List.of(new GuestMemory.Region(0, size, 0));
        byte[] piece = new byte[(int) MIB];
        java.util.Arrays.fill(piece, (byte) 0x5a);
        try (GuestMemory source = GuestMemory.allocate(ram)) {
            for (long at = 0; at < size; at += MIB) {
                source.write(at, piece);
            }
            long before = residentSetBytes();
            try (GuestMemory clone = GuestMemory.cloneOf(source.file(), ram)) {
                clone.write(size - 1, new byte[] {1});
                assertThat(clone.read(size - 2, 2)).containsExactly(0x5a, 1);
                assertThat(clone.read(0, 1)).containsExactly(0x5a);
                long grown = residentSetBytes() - before;
                assertThat(grown).as("host RSS growth for a clone of 512 MiB of written RAM, bytes")
                        .isLessThan(16 * MIB);
            }
            assertThat(source.read(size - 1, 1)).containsExactly(0x5a);
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
