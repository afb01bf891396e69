package io.github.bootkernel.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Measures COM2's raw transport on this host's KVM and prints the figures: a hand-assembled guest
 * writes 1 MiB to COM2 as fast as it can while a host thread drains {@code fromGuest()}; and the
 * round trip of a short message through an interrupt-driven echo guest. Not a test (the name does
 * not end in {@code Test}, so the build never runs it); run it with
 * {@code mvn -B -o -q test -pl engine -Dbootkernel.skipPrepare=true -Dtest=Com2Throughput}.
 */
class Com2Throughput {

    private static final int BYTES = 1 << 20;
    private static final int ROUND_TRIPS = 2000;

    @Test
    void measure() throws Exception {
        Path dir = Files.createTempDirectory("com2-throughput");
        try {
            System.out.println("COM2, guest to host, " + BYTES + " bytes, reader draining as fast as it can:");
            stream(dir, "polling writer: wait THRE, 16 x out", SerialGuests.writer(BYTES / 16));
            stream(dir, "THRE-interrupt writer (as Linux): 16 x out per interrupt", SerialGuests.interruptWriter(BYTES / 16));
            stream(dir, "polling writer: wait THRE, rep outsb of 16", SerialGuests.stringWriter(BYTES / 16));
            System.out.println("COM2, round trip through the interrupt-driven echo guest, " + ROUND_TRIPS + " times:");
            for (int size : new int[] {1, 16, 64}) {
                roundTrip(dir, size);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static void stream(Path dir, String what, byte[] code) throws IOException, InterruptedException {
        try (Machine m = TinyGuests.boot(dir, "writer", code)) {
            InputStream in = m.com2().fromGuest();
            byte[] chunk = new byte[64 * 1024];
            int first = in.read(chunk);
            long exits0 = m.exitCount();
            long t0 = System.nanoTime();
            long total = first;
            long reads = 1;
            for (int n; (n = in.read(chunk)) >= 0; ) {
                total += n;
                reads++;
            }
            long nanos = System.nanoTime() - t0;
            long exits = m.exitCount() - exits0;
            if (total != BYTES || m.com2().uart().transmitOverruns() != 0) {
                throw new AssertionError(what + ": " + total + " bytes, " + m.com2().uart().transmitOverruns()
                        + " overruns, " + m.exit());
            }
            System.out.printf(Locale.ROOT, "  %-58s %8.0f bytes/s  %.3f exits/byte  %6.1f bytes/read%n", what,
                    (total - first) / (nanos / 1e9), exits / (double) (total - first), total / (double) reads);
        }
    }

    private static void roundTrip(Path dir, int size) throws IOException, InterruptedException {
        try (Machine m = TinyGuests.boot(dir, "echo", SerialGuests.interruptEcho())) {
            byte[] message = new byte[size];
            long[] nanos = new long[ROUND_TRIPS];
            long exits0 = 0;
            for (int i = -100; i < ROUND_TRIPS; i++) { // 100 warm-up rounds
                if (i == 0) {
                    exits0 = m.exitCount();
                }
                Arrays.fill(message, (byte) i);
                long t0 = System.nanoTime();
                m.com2().toGuest().write(message);
                byte[] echo = m.com2().fromGuest().readNBytes(size);
                long t = System.nanoTime() - t0;
                if (!Arrays.equals(echo, message)) {
                    throw new AssertionError("round " + i + ": wrong echo, " + m.exit());
                }
                if (i >= 0) {
                    nanos[i] = t;
                }
            }
            long exits = m.exitCount() - exits0;
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT, "  %3d bytes: median %7.1f us, 90th percentile %7.1f us, %.1f exits a round trip%n",
                    size, nanos[ROUND_TRIPS / 2] / 1e3, nanos[ROUND_TRIPS * 9 / 10] / 1e3, exits / (double) ROUND_TRIPS);
        }
    }
}
