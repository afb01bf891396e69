package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.github.bootkernel.engine.BootImageException;
import io.github.bootkernel.engine.memory.GuestMemory;
import io.github.bootkernel.engine.memory.GuestMemoryException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link InputFile}: checked before it is opened, read in pieces into guest memory. */
class InputFileTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    @Test
    void missingDirectoryAndFifoAreRefusedWithoutBlocking() throws Exception {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> InputFile.open("initrd", missing))
                .isInstanceOf(BootImageException.class).hasMessage("initrd " + missing + ": no such file");
        assertThatThrownBy(() -> InputFile.open("kernel", dir))
                .isInstanceOf(BootImageException.class).hasMessage("kernel " + dir + ": not a regular file");
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo works").isTrue();
        // Opening a FIFO for reading blocks until a writer comes: it must be refused before that.
        assertThatThrownBy(() -> InputFile.open("initrd", fifo))
                .isInstanceOf(BootImageException.class).hasMessage("initrd " + fifo + ": not a regular file");
    }

    @Test
    void headReadsAtMostTheFile() throws IOException {
        Path file = Files.write(dir.resolve("short"), new byte[] {1, 2, 3});
        try (InputFile in = InputFile.open("kernel", file)) {
            assertThat(in.size()).isEqualTo(3);
            assertThat(in.head(1024)).containsExactly(1, 2, 3);
            assertThat(in.head(2)).containsExactly(1, 2);
            assertThat(in.toString()).isEqualTo("kernel " + file + " (3 bytes)");
        }
    }

    @Test
    void copyToPutsTheFileRangeAtTheGuestAddress() throws IOException {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        Path file = Files.write(dir.resolve("data"), data);
        try (InputFile in = InputFile.open("initrd", file);
             GuestMemory memory = GuestMemory.allocate(Layout.ram(4 * MIB))) {
            in.copyTo(memory, 0x200000, 1000, 200_000);
            assertThat(memory.read(0x200000, 200_000)).isEqualTo(Arrays.copyOfRange(data, 1000, 201_000));
            assertThat(memory.read(0x200000 + 200_000, 16)).containsOnly(0);
            assertThatThrownBy(() -> in.copyTo(memory, 4 * MIB - 10, 0, 11)).isInstanceOf(GuestMemoryException.class);
        }
    }

    @Test
    void copyToPutsNothingOfTheFileOnTheHeap() throws Exception {
        assumeThat(HostCounters.allocatedBytes()).as("heap allocation counted by this JVM").isNotNegative();
        long size = 96 * MIB;
        Path file = dir.resolve("big");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size); // sparse: reading it costs no disk
        }
        try (InputFile in = InputFile.open("initrd", file);
             GuestMemory memory = GuestMemory.allocate(Layout.ram(128 * MIB))) {
            in.copyTo(memory, MIB, 0, 4096); // warm up: classes, buffers
            long before = HostCounters.allocatedBytes();
            in.copyTo(memory, MIB, 0, size);
            long heap = HostCounters.allocatedBytes() - before;
            System.out.printf("bootkernel inputs: copying a %d MiB file into guest memory allocated %d KiB of heap%n",
                    size / MIB, heap / 1024);
            assertThat(heap).as("bytes allocated on the heap to copy %d bytes", size).isLessThan(MIB);
        }
    }
}
