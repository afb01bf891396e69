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
}
