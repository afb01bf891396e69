package io.github.bootkernel.bench.io;

import io.github.bootkernel.bench.BenchContext;
import io.github.bootkernel.bench.Row;
import io.github.bootkernel.bench.Section;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The exit path (issue 12, item 4): a static program in the guest's user space issues
 * {@value #DEFAULT_COUNT} (or {@code -Dbench.io.outbCount=N}) {@code outb}s to port
 * {@value #PORT_TEXT}, which no device of either monitor answers, after {@code ioperm(2)}; each is a
 * VM exit to the monitor's user space and straight back. Rows: the time for all of them (host
 * clock, from the start line's arrival to the done line's), port writes per second, and KVM's
 * port I/O exits per write (a check that each write was one exit).
 *
 * <p>Guest: {@code bench/src/main/c/outb_bench.c}, compiled at run time with
 * {@code gcc -static -O2}. Same kernel and initramfs for every monitor.
 */
public final class ExitPath implements Section {

    /** The default number of port writes. */
    static final long DEFAULT_COUNT = 1_000_000;
    /** The system property with the number of port writes. */
    static final String COUNT_PROPERTY = "bench.io.outbCount";
    /** COM4's address: no device on either machine ({@code -nodefaults} for QEMU). */
    static final String PORT_TEXT = "0x2e8";

    @Override
    public String name() {
        return "exit path";
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        long count = Long.getLong(COUNT_PROPERTY, DEFAULT_COUNT);
        if (count < 1) {
            throw new IllegalArgumentException(COUNT_PROPERTY + " = " + count + ": at least 1");
        }
        KvmStats.requireAvailable();
        BenchGuest guest = BenchGuest.build(context, "outb_bench", List.of("/bin/outb_bench " + PORT_TEXT + " " + count));
        Duration timeout = Duration.ofSeconds(120 + count / 10_000);
        // Coalescing covers only the UARTs' THR, not this port; both bootkernel subjects show what
        // the ring's drain thread costs the exit path.
        List<Monitor> monitors = List.of(Monitor.values());
        Map<Monitor, List<MarkerClock.Stretch>> measured = new EnumMap<>(Monitor.class);
        for (int run = 0; run < context.runs(); run++) {
            for (Monitor monitor : monitors) {
                MarkerClock.Stretch s = monitor.run(guest, timeout).stretch("outb", monitor.subject());
                measured.computeIfAbsent(monitor, m -> new ArrayList<>()).add(s);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Monitor monitor : monitors) {
            List<MarkerClock.Stretch> s = measured.get(monitor);
            String subject = monitor.subject() + ", "
                    + context.cache().resolve("latest").relativize(guest.kernel());
            String note = count + " outb to " + PORT_TEXT + " from user space; host clock between the start and done lines";
            rows.add(new Row(name(), subject, "time for all port writes", "s",
                    s.stream().map(MarkerClock.Stretch::seconds).toList(), context.where(), note));
            rows.add(new Row(name(), subject, "port writes per second", "exits/s",
                    s.stream().map(x -> count / x.seconds()).toList(), context.where(), note));
            rows.add(new Row(name(), subject, "port I/O exits to user space per write", "exits/write",
                    s.stream().map(x -> (double) x.ioExits() / count).toList(), context.where(), note));
        }
        return rows;
    }
}
