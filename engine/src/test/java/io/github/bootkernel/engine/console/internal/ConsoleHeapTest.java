package io.github.bootkernel.engine.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.console.Console;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a console really holds under the worst floods a guest can make, fed to the sink at full
 * speed (faster than any guest writes): the heap it grows by, measured after a full GC, must stay
 * within the documented bound ({@link Console#DEFAULT_MAX_HISTORY_BYTES}) plus the fixed part (the
 * line being assembled). The figures are printed for the record.
 */
class ConsoleHeapTest {

    /**
     * Room for what a console holds besides its history (an 8 KiB line buffer), the chunks'
     * headers (16 bytes per 1024 lines: 64 KiB for 4 million empty lines) and GC noise.
     */
    private static final long SLACK = 512 * 1024;

    /** A flood: {@code lines} times the same line, terminator included. */
    private record Flood(String name, String line, int lines) {
    }

    private static final List<Flood> FLOODS = List.of(
            new Flood("empty lines", "\n", 10_000_000),
            new Flood("1-char lines", "x\n", 3_000_000),
            new Flood("1-char UTF-16 lines", "\u20ac\n", 3_000_000),
            new Flood("80-char ASCII lines", "x".repeat(80) + "\r\n", 500_000),
            new Flood("4096-char UTF-16 lines", "\u20ac".repeat(Console.DEFAULT_MAX_LINE_LENGTH) + "\n", 6_000));

    @Test
    void noFloodHoldsMoreHeapThanTheBound() {
        for (Flood flood : FLOODS) {
            long before = usedHeapAfterGc();
            ConsoleSink sink = ConsoleSink.create();
            byte[] line = flood.line().getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < flood.lines(); i++) {
                for (byte b : line) {
                    sink.accept(b);
                }
            }
            long grown = usedHeapAfterGc() - before;
            Console console = sink.console();
            System.out.printf("console heap, %-22s fed %,10d lines: kept %,9d, estimated %,11d bytes,"
                    + " measured growth %,11d bytes (bound %,d)%n", flood.name(), flood.lines(),
                    console.lines().size(), console.historyBytes(), grown, console.maxHistoryBytes());

            assertThat(console.droppedLines()).as("%s: the flood outgrew the bound", flood.name()).isPositive();
            assertThat(console.historyBytes()).isLessThanOrEqualTo(console.maxHistoryBytes());
            assertThat(grown).as("%s: measured heap growth, in bytes", flood.name())
                    .isLessThanOrEqualTo(console.maxHistoryBytes() + SLACK);
            Reference.reachabilityFence(sink);
        }
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
