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
 * Console throughput (issue 12, item 3): a guest writes {@value #DEFAULT_BYTES} bytes on
 * hardware KVM, {@value #NESTED_DEFAULT_BYTES} elsewhere (or {@code -Dbench.io.consoleBytes=N}) to its serial console twice, through the tty
 * ({@code /dev/ttyS0} in raw mode, Linux's 8250 driver filling the 16-byte FIFO at each THRE
 * interrupt) and through printk ({@code /dev/kmsg} records at level 2, which the 8250 console
 * writes byte by byte, polling LSR before each). For each monitor and path: payload bytes per
 * second, timed on the host from the start line's arrival to the done line's, and KVM's exits
 * (all, and port I/O to user space) per payload byte over the same stretch.
 *
 * <p>Guest: {@code bench/src/main/c/console_bench.c}, compiled at run time with
 * {@code gcc -static -O2}, in a busybox initramfs. Rerun (in the nested VM on the PVM build
 * machines): the harness that includes this section, e.g. with {@code -Dbench.io.consoleBytes=262144}.
 */
public final class ConsoleThroughput implements Section {

    /** The default payload per path on hardware KVM, 4 MiB. */
    static final long DEFAULT_BYTES = 4L << 20;
    /**
     * The default payload per path under nested or emulated KVM, 64 KiB: a byte costs the guest
     * ~0.4 ms there (docs/console-io.md), so 4 MiB would take half an hour per path and monitor.
     */
    static final long NESTED_DEFAULT_BYTES = 64L << 10;
    /** The system property with the payload per path, in bytes (rounded up to 64). */
    static final String BYTES_PROPERTY = "bench.io.consoleBytes";
    private static final String[] PATHS = {"tty", "kmsg"};

    @Override
    public String name() {
        return "console throughput";
    }

    @Override
    public List<Row> run(BenchContext context) throws Exception {
        long bytes = BenchGuest.workload(context, BYTES_PROPERTY, DEFAULT_BYTES, NESTED_DEFAULT_BYTES, 64, " bytes");
        bytes = (bytes + 63) / 64 * 64;
        KvmStats.requireAvailable();
        BenchGuest guest = BenchGuest.build(context, "debian-cloud", "console_bench",
                List.of("/bin/console_bench tty " + bytes, "/bin/console_bench kmsg " + bytes));
        // A VM exit costs ~35 us nested; allow 100 us per byte and path, plus the boot.
        Duration timeout = Duration.ofSeconds(120 + bytes * 2 / 10_000);
        Map<Monitor, Map<String, List<MarkerClock.Stretch>>> measured = new EnumMap<>(Monitor.class);
        for (int run = 0; run < context.runs(); run++) {
            for (Monitor monitor : Monitor.values()) {
                System.out.printf(java.util.Locale.ROOT, "  run %d  %-45s boots, then writes %d bytes per path%n",
                        run + 1, monitor.subject(), bytes);
                MarkerClock clock = monitor.run(guest, timeout);
                for (String path : PATHS) {
                    MarkerClock.Stretch s = clock.stretch(path, monitor.subject());
                    if (s.bytes() < bytes) {
                        throw new IllegalStateException(monitor.subject() + ", " + path + ": only " + s.bytes()
                                + " console bytes between the marker lines, " + bytes + " written");
                    }
                    measured.computeIfAbsent(monitor, m -> new java.util.HashMap<>())
                            .computeIfAbsent(path, p -> new ArrayList<>()).add(s);
                    System.out.printf(java.util.Locale.ROOT, "  run %d  %-45s %s %.2f KiB/s, %d KVM exits%n", run + 1,
                            monitor.subject(), path, bytes / 1024.0 / s.seconds(), s.exits());
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Monitor monitor : Monitor.values()) {
            for (String path : PATHS) {
                List<MarkerClock.Stretch> s = measured.get(monitor).get(path);
                String subject = monitor.subject() + ", " + context.cache().resolve("latest").relativize(guest.kernel())
                        + ", " + (path.equals("tty") ? "tty (/dev/ttyS0, raw)" : "printk (/dev/kmsg)");
                final long payload = bytes;
                String note = "payload " + payload + " bytes per run; " + (path.equals("kmsg")
                        ? "printk adds a time stamp to each 64-byte record on the wire; " : "")
                        + "exits counted by KVM (debugfs) between the start and done lines";
                rows.add(new Row(name(), subject, "payload throughput", "KiB/s",
                        s.stream().map(x -> payload / 1024.0 / x.seconds()).toList(), context.where(), note));
                rows.add(new Row(name(), subject, "VM exits per payload byte", "exits/byte",
                        s.stream().map(x -> (double) x.exits() / payload).toList(), context.where(), note));
                rows.add(new Row(name(), subject, "port I/O exits to user space per payload byte", "exits/byte",
                        s.stream().map(x -> (double) x.ioExits() / payload).toList(), context.where(), note));
                if (monitor != Monitor.QEMU) {
                    rows.add(new Row(name(), subject, "KVM_RUN returns per payload byte (Machine.exitCount)",
                            "exits/byte", s.stream().map(x -> (double) x.monitorExits() / payload).toList(),
                            context.where(), "the monitor's own count, a cross-check of KVM's"));
                }
            }
        }
        return rows;
    }
}
