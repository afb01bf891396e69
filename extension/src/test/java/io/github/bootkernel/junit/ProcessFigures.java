package io.github.bootkernel.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What this JVM holds from the operating system, for leak checks: open file descriptors
 * ({@code /proc/self/fd}), Java threads, vCPU threads still alive, OS threads
 * ({@code /proc/self/task}, which includes the JVM's own), resident and virtual size and memory
 * mappings ({@code /proc/self/status}, {@code /proc/self/maps}), and the heap in use after a GC.
 *
 * @param fds open file descriptors
 * @param threads live Java threads
 * @param vcpuThreads live threads named {@code bootkernel-vcpu-*}
 * @param osThreads OS threads of the process
 * @param rssKiB resident set size
 * @param nativeRssKiB resident set outside the Java heap's address range ({@code GC.heap_info}): the
 *     heap's share moves with the collector's choice of regions, and the heap is measured apart
 * @param vmSizeKiB virtual size: a leaked guest's RAM mapping shows here even if never touched
 * @param mappings memory mappings, thread stacks left out
 * @param heapKiB heap in use after {@link System#gc()}
 * @param heapCommittedKiB heap the JVM has committed: touched once, it stays resident
 * @param fdTargets what each open descriptor refers to ({@code readlink} of its {@code /proc/self/fd}
 *     entry, e.g. {@code anon_inode:kvm-vm}, {@code /memfd:guest (deleted)} or a path), sorted
 */
record ProcessFigures(long fds, int threads, long vcpuThreads, long osThreads, long rssKiB, long nativeRssKiB,
                      long vmSizeKiB, long mappings, long heapKiB, long heapCommittedKiB, List<String> fdTargets) {

    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");
    private static final Pattern HEAP_RANGE = Pattern.compile("\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

    /** Measures now, after letting the garbage collector run. */
    static ProcessFigures now() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        List<String> status = lines(Path.of("/proc/self/status"));
        List<String> fdTargets = readFdTargets();
        return new ProcessFigures(fdTargets.size(),
                ManagementFactory.getThreadMXBean().getThreadCount(),
                Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.isAlive() && t.getName().startsWith("bootkernel-vcpu")).count(),
                count(Path.of("/proc/self/task")), kib(status, "VmRSS:"), residentOutsideHeapKiB(), kib(status, "VmSize:"),
                lines(Path.of("/proc/self/maps")).stream().filter(l -> !l.contains("[stack")).count(),
                (runtime.totalMemory() - runtime.freeMemory()) / 1024, runtime.totalMemory() / 1024,
                fdTargets);
    }

    /**
     * The descriptors open in this measurement and still open after it that were not open at
     * {@code before}, by target, excluding class path jars: the JVM opens a jar when it first loads
     * a class from it and keeps it open, so a fixture that loads a class of a jar nothing loaded
     * before holds one more descriptor for good. A descriptor some thread holds only for a moment
     * (seen: +1 in about one run in four of {@code SnapshotCacheTest,StopTest}, gone moments later)
     * is not left open: the list is read again up to 5 times, 0.1 s apart, and only descriptors in
     * every reading count.
     */
    List<String> leftOpenSince(ProcessFigures before) {
        List<String> opened = without(fdTargets, before.fdTargets);
        opened.removeIf(target -> target.endsWith(".jar"));
        for (int i = 0; i < 5 && !opened.isEmpty(); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            List<String> still = without(readFdTargets(), before.fdTargets);
            opened.removeIf(target -> !still.remove(target));
        }
        return opened;
    }

    /** {@code all} less one occurrence of each of {@code some}, as a new list. */
    private static List<String> without(List<String> all, List<String> some) {
        List<String> rest = new ArrayList<>(all);
        some.forEach(rest::remove);
        return rest;
    }

    private static List<String> readFdTargets() {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "closed meanwhile"; // the listing's own descriptor, or one closed since
                }
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line per figure: before, after, and the difference. */
    String against(ProcessFigures after) {
        return row("open file descriptors", fds, after.fds, "")
                + row("Java threads", threads, after.threads, "")
                + row("vCPU threads alive", vcpuThreads, after.vcpuThreads, "")
                + row("OS threads (JVM's included)", osThreads, after.osThreads, "")
                + row("resident set (VmRSS)", rssKiB, after.rssKiB, " KiB")
                + row("resident outside the heap", nativeRssKiB, after.nativeRssKiB, " KiB")
                + row("virtual size (VmSize)", vmSizeKiB, after.vmSizeKiB, " KiB")
                + row("memory mappings", mappings, after.mappings, "")
                + row("heap in use after GC", heapKiB, after.heapKiB, " KiB")
                + row("heap committed", heapCommittedKiB, after.heapCommittedKiB, " KiB")
                + opened(after);
    }

    /** The descriptors open in {@code after} that were not open here, jars included, if any. */
    private String opened(ProcessFigures after) {
        List<String> opened = without(after.fdTargets, fdTargets);
        return opened.isEmpty() ? "" : String.format("  %-28s %s%n", "descriptors opened", opened);
    }

    private static String row(String what, long before, long after, String unit) {
        return String.format("  %-28s %10d -> %10d%s (%+d)%n", what, before, after, unit, after - before);
    }

    /** Sums the resident sizes in {@code /proc/self/smaps} of mappings outside the Java heap. */
    private static long residentOutsideHeapKiB() {
        long[] heap = heapRange();
        long total = 0;
        boolean inHeap = false;
        for (String line : lines(Path.of("/proc/self/smaps"))) {
            Matcher m = MAPPING.matcher(line);
            if (m.find()) {
                long start = Long.parseUnsignedLong(m.group(1), 16);
                inHeap = start >= heap[0] && start < heap[1];
            } else if (line.startsWith("Rss:") && !inHeap) {
                total += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return total;
    }

    /** The Java heap's reserved address range, as {@code jcmd <pid> GC.heap_info} prints it. */
    private static long[] heapRange() {
        try {
            String info = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcHeapInfo",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Matcher m = HEAP_RANGE.matcher(info);
            if (!m.find()) {
                throw new IllegalStateException("no heap range in GC.heap_info: " + info);
            }
            return new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16)};
        } catch (JMException e) {
            throw new IllegalStateException("GC.heap_info failed", e);
        }
    }

    private static long kib(List<String> status, String key) {
        return status.stream().filter(l -> l.startsWith(key)).map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst().orElseThrow();
    }

    private static long count(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
