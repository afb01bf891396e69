package io.github.bootkernel.bench.io;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Reads a guest's console byte by byte, as the host receives it, and notes the time and KVM's exit
 * counters when the guest program's marker lines pass: {@code bench-io: start <name>} and
 * {@code bench-io: done <name> ...} (anywhere in a line, so a printk time stamp before it does not
 * matter). Also counts the bytes between each pair and keeps the last lines, for error messages.
 * Thread-safe.
 */
final class MarkerClock implements IntConsumer {

    private static final String START = "bench-io: start ";
    private static final String DONE = "bench-io: done ";
    private static final int MAX_LINE = 512;
    private static final int TAIL_LINES = 20;

    /** What a snapshot of the counters says; the bootkernel runs add the monitor's own count. */
    interface Counters {
        /** @return exits, io exits, and the monitor's own exit count (-1 if none) */
        long[] read() throws Exception;
    }

    /** One measured stretch: from its start line to its done line. */
    record Stretch(double seconds, long bytes, long exits, long ioExits, long monitorExits, String doneLine) { }

    private final Counters counters;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final java.util.ArrayDeque<String> tail = new java.util.ArrayDeque<>();
    private final Map<String, long[]> starts = new HashMap<>();
    private final Map<String, Stretch> stretches = new HashMap<>();
    private long bytes;
    private boolean finished;
    private Exception failure;

    MarkerClock(Counters counters) {
        this.counters = counters;
    }

    @Override
    public synchronized void accept(int b) {
        bytes++;
        if (b != '\n') {
            if (line.size() < MAX_LINE) {
                line.write(b);
            }
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8).replace("\r", "");
        line.reset();
        if (tail.size() == TAIL_LINES) {
            tail.removeFirst();
        }
        tail.addLast(text);
        int start = text.indexOf(START);
        int done = text.indexOf(DONE);
        try {
            if (start >= 0) {
                String name = text.substring(start + START.length()).strip();
                long[] c = counters.read();
                starts.put(name, new long[] {System.nanoTime(), bytes, c[0], c[1], c[2]});
            } else if (done >= 0) {
                String name = text.substring(done + DONE.length()).strip().split(" ")[0];
                long now = System.nanoTime();
                long[] c = counters.read();
                long[] s = starts.get(name);
                if (s != null) {
                    stretches.put(name, new Stretch((now - s[0]) / 1e9, bytes - s[1], c[0] - s[2], c[1] - s[3],
                            c[2] < 0 ? -1 : c[2] - s[4], text.substring(done)));
                }
            } else if (text.contains(BenchGuest.FINISHED)) {
                finished = true;
                notifyAll();
            }
        } catch (Exception e) {
            if (failure == null) {
                failure = e;
            }
            notifyAll();
        }
    }

    /**
     * Waits until the guest printed {@link BenchGuest#FINISHED}.
     *
     * @return false on timeout
     * @throws IllegalStateException if reading KVM's counters at a marker line failed
     */
    synchronized boolean awaitFinished(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!finished && failure == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        if (failure != null) {
            throw new IllegalStateException("reading KVM's counters failed: " + failure, failure);
        }
        return finished;
    }

    /**
     * @return the stretch named {@code name}
     * @throws IllegalStateException naming the last console lines if it was not measured
     */
    synchronized Stretch stretch(String name, String subject) {
        if (failure != null) {
            throw new IllegalStateException(subject + ": reading KVM's counters failed: " + failure, failure);
        }
        Stretch s = stretches.get(name);
        if (s == null) {
            throw new IllegalStateException(subject + ": no 'bench-io: start/done " + name + "' pair on the console; last lines:\n  "
                    + String.join("\n  ", tail));
        }
        return s;
    }

    /** @return the last console lines, for messages */
    synchronized String tail() {
        return String.join("\n  ", tail);
    }
}
