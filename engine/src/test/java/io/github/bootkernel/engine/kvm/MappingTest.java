package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Mapping}: bounds-checked copies in and out, and no access to unmapped memory. A test that
 * fails here by touching unmapped memory does not fail politely: the JVM dies of SIGSEGV.
 */
class MappingTest {

    private static final int PAGE = 4096;
    private static final long GIB = 1L << 30;

    @Test
    void bytesWrittenAreReadBack() {
        try (Mapping m = Mapping.anonymous(2 * PAGE, "test")) {
            m.write(PAGE - 2, new byte[] {9, 1, 2, 3, 4, 5}, 1, 4);
            m.putByte(PAGE + 2, (byte) 7);
            byte[] out = new byte[6];
            m.read(PAGE - 3, out, 0, 6);
            assertThat(out).containsExactly(0, 1, 2, 3, 4, 7);
            assertThat(m.length()).isEqualTo(2 * PAGE);
        }
    }

    @Test
    void rangesOutsideTheMappingOrTheArrayAreRefused() {
        try (Mapping m = Mapping.anonymous(PAGE, "test")) {
            byte[] buf = new byte[16];
            assertThatThrownBy(() -> m.read(PAGE - 8, buf, 0, 16))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("range [4088, +16) outside the 4096-byte mapping of test");
            assertThatThrownBy(() -> m.write(-1, buf, 0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.write(Long.MAX_VALUE, buf, 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.putByte(PAGE, (byte) 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.read(0, buf, 8, 9)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.write(0, buf, -1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.read(0, buf, 0, -1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void useAfterCloseThrowsInsteadOfCrashing() {
        Mapping m = Mapping.anonymous(PAGE, "guest RAM");
        m.write(0, new byte[] {1, 2, 3}, 0, 3);
        m.close();
        assertThat(m.isClosed()).isTrue();
        byte[] out = new byte[3];
        assertThatThrownBy(() -> m.read(0, out, 0, 3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("guest RAM is already unmapped (its owner was closed)");
        assertThatThrownBy(() -> m.write(0, out, 0, 3)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.putByte(0, (byte) 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> m.copyFrom(0, new ByteArrayInputStream(out), 3))
                .isInstanceOf(IllegalStateException.class);
        m.close(); // idempotent
    }

    @Test
    void copiesCrossTheOneGibibyteBuffersOfALargeMapping() {
        // MAP_NORESERVE: 3 GiB of address space costs only the two pages touched.
        try (Mapping m = Mapping.anonymous(3 * GIB, "large")) {
            byte[] data = {1, 2, 3, 4, 5, 6, 7, 8};
            m.write(GIB - 4, data, 0, 8);
            byte[] back = new byte[8];
            m.read(GIB - 4, back, 0, 8);
            assertThat(back).containsExactly(data);
            m.putByte(3 * GIB - 1, (byte) 9);
            m.read(3 * GIB - 1, back, 0, 1);
            assertThat(back[0]).isEqualTo((byte) 9);
        }
    }

    @Test
    void copyFromAStreamFillsTheRangeInPieces() throws Exception {
        byte[] content = new byte[200_000];
        new Random(7).nextBytes(content);
        try (Mapping m = Mapping.anonymous(64 * PAGE, "test")) {
            m.copyFrom(100, new ByteArrayInputStream(content), content.length);
            byte[] back = new byte[content.length];
            m.read(100, back, 0, back.length);
            assertThat(back).isEqualTo(content);
        }
    }

    @Test
    void copyFromChecksTheRangeBeforeReadingAndReportsAShortStream() {
        try (Mapping m = Mapping.anonymous(PAGE, "test")) {
            InputStream untouched = new InputStream() {
                @Override
                public int read() {
                    throw new AssertionError("read before the range was checked");
                }
            };
            assertThatThrownBy(() -> m.copyFrom(1, untouched, PAGE)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.copyFrom(0, new ByteArrayInputStream(new byte[10]), 11))
                    .isInstanceOf(EOFException.class)
                    .hasMessage("stream ended after 10 of 11 bytes");
        }
    }

    @Test
    void copyFromAFileReadsItStraightIntoTheRange(@TempDir Path dir) throws Exception {
        byte[] content = new byte[3 << 20];
        new Random(11).nextBytes(content);
        Path file = Files.write(dir.resolve("content"), content);
        try (FileChannel channel = FileChannel.open(file);
             Mapping m = Mapping.anonymous(4L << 20, "test")) {
            m.copyFrom(100, channel, 1000, content.length - 1000);
            byte[] back = new byte[content.length - 1000];
            m.read(100, back, 0, back.length);
            assertThat(back).isEqualTo(Arrays.copyOfRange(content, 1000, content.length));
            assertThat(channel.position()).as("the channel's own position").isZero();
        }
    }

    @Test
    void copyFromAFileChecksTheRangeBeforeReadingAndReportsAShortFile(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("ten"), new byte[10]);
        FileChannel closed = FileChannel.open(file);
        closed.close(); // a read from it would throw ClosedChannelException
        Mapping m = Mapping.anonymous(PAGE, "test");
        try (FileChannel channel = FileChannel.open(file)) {
            assertThatThrownBy(() -> m.copyFrom(1, closed, 0, PAGE)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> m.copyFrom(0, channel, 4, 7))
                    .isInstanceOf(EOFException.class)
                    .hasMessage("file ended after 10 bytes; 11 were to be read");
            m.close();
            assertThatThrownBy(() -> m.copyFrom(0, channel, 0, 1)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void copyFromAFileCrossesTheOneGibibyteBuffers(@TempDir Path dir) throws Exception {
        byte[] content = new byte[3 * PAGE];
        new Random(13).nextBytes(content);
        Path file = Files.write(dir.resolve("content"), content);
        try (FileChannel channel = FileChannel.open(file);
             Mapping m = Mapping.anonymous(2 * GIB, "large")) {
            m.copyFrom(GIB - PAGE, channel, 0, content.length);
            byte[] back = new byte[content.length];
            m.read(GIB - PAGE, back, 0, back.length);
            assertThat(back).isEqualTo(content);
        }
    }

    @Test
    void closeWhileOtherThreadsCopyWaitsForThemAndThenRefusesThem() throws Exception {
        int threads = 4;
        for (int round = 0; round < 20; round++) {
            Mapping m = Mapping.anonymous(256 * PAGE, "contended");
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch started = new CountDownLatch(threads);
            List<Future<Long>> copiers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean writer = t % 2 == 0;
                copiers.add(pool.submit(() -> {
                    byte[] buf = new byte[256 * PAGE];
                    long copies = 0;
                    started.countDown();
                    try {
                        while (true) {
                            if (writer) {
                                m.write(0, buf, 0, buf.length);
                            } else {
                                m.read(0, buf, 0, buf.length);
                            }
                            copies++;
                        }
                    } catch (IllegalStateException closed) {
                        return copies;
                    }
                }));
            }
            started.await();
            m.close();
            for (Future<Long> copier : copiers) {
                // Each copier ends with the IllegalStateException (nothing else) once close() ran.
                assertThat(copier.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(0);
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
