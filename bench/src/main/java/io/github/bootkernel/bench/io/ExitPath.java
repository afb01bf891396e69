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
 * The exit path (issue 12, item 4): a static program in the guest makes the kernel issue
 * {@value #DEFAULT_COUNT} on hardware KVM, {@value #NESTED_DEFAULT_COUNT} elsewhere (or
 * {@code -Dbench.io.outbCount=N}) {@code outb}s to port
 * {@value #PORT_TEXT}, which no device of either monitor answers: one-byte {@code pwrite}s to
 * {@code /dev/port} on Debian's generic kernel ({@code CONFIG_DEVPORT}); each is a VM exit to the
 * monitor's user space and straight back. (The leaner {@code outb} from user space after
 * {@code ioperm(2)} dies of SIGSEGV under QEMU in the nested VM, see {@code outb_bench.c}.) Rows: the time for all of them (host
 * clock, from the start line's arrival to the done line's), port writes per second, and KVM's
 * port I/O exits per write (a check that each write was one exit).
 *
 * <p>Guest: {@code bench/src/main/c/outb_bench.c}, compiled at run time with
 * {@code gcc -static -O2}. Same kernel and initramfs for every monitor.
 */
public final class ExitPath implements Section {

    /** The default number of port writes. */
    static final long DEFAULT_COUNT = 1_000_000;
    /**
     * The default count under nested or emulated KVM: an exit costs 0.1-0.3 ms there
     * (docs/console-io.md), so a million would take minutes per monitor and run.
     */
    static final long NESTED_DEFAULT_COUNT = 20_000;
    /** The system property with the number of port writes. */
    static final String COUNT_PROPERTY = "bench.io.outbCount";
    /** COM4's address: no device on either machine ({@code -nodefaults} for QEMU). */
    static final String PORT_TEXT = "0x2e8";

    /** The loop's time from the done line, {@code bench-io: done outb <count> <ns>}. */
    static double guestSeconds(MarkerClock.Stretch s) {
        String[] words = s.doneLine().split(" ");
        try {
            return Long.parseLong(words[words.length - 1]) / 1e9;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("no time in the done line '" + s.doneLine() + "'", e);
        }
    }

    @Override
    public String name() {
        return "exit path";
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        long count = BenchGuest.workload(context, COUNT_PROPERTY, DEFAULT_COUNT, NESTED_DEFAULT_COUNT, 1, "");
        KvmStats.requireAvailable();
        BenchGuest guest = BenchGuest.build(context, "debian-generic", "outb_bench",
                List.of("/bin/outb_bench devport " + PORT_TEXT + " " + count));
        Duration timeout = Duration.ofSeconds(120 + count / 10_000);
        // Coalescing covers only the UARTs' THR, not this port; both bootkernel subjects show what
        // the ring's drain thread costs the exit path.
        List<Monitor> monitors = List.of(Monitor.values());
        Map<Monitor, List<MarkerClock.Stretch>> measured = new EnumMap<>(Monitor.class);
        for (int run = 0; run < context.runs(); run++) {
            for (Monitor monitor : monitors) {
                MarkerClock.Stretch s = monitor.run(guest, timeout).stretch("outb", monitor.subject());
                measured.computeIfAbsent(monitor, m -> new ArrayList<>()).add(s);
                System.out.printf(java.util.Locale.ROOT, "  run %d  %-45s %d port writes in %.3f s (guest clock)%n",
                        run + 1, monitor.subject(), count, guestSeconds(s));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Monitor monitor : monitors) {
            List<MarkerClock.Stretch> s = measured.get(monitor);
            List<Double> seconds = s.stream().map(ExitPath::guestSeconds).toList();
            String subject = monitor.subject() + ", "
                    + context.cache().resolve("latest").relativize(guest.kernel());
            String note = count + " outb to " + PORT_TEXT + " through /dev/port; timed by the guest";
            rows.add(new Row(name(), subject, "time for all port writes", "s", seconds, context.where(), note));
            rows.add(new Row(name(), subject, "port writes per second", "exits/s",
                    seconds.stream().map(x -> count / x).toList(), context.where(), note));
            rows.add(new Row(name(), subject, "port I/O exits to user space per write", "exits/write",
                    s.stream().map(x -> (double) x.ioExits() / count).toList(), context.where(), note));
        }
        return rows;
    }
}
