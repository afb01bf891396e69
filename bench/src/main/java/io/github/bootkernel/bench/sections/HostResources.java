package io.github.bootkernel.bench.sections;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;

/**
 * What this process holds, counted from {@code /proc/self} (proc(5)): open file descriptors, tasks
 * (threads, the JVM's own included), memory mappings, and how many of each belong to KVM or guest
 * RAM: descriptors of {@code /dev/kvm}, {@code anon_inode:kvm-vm}, {@code anon_inode:kvm-vcpu:N}
 * and the snapshot's {@code memfd:bootkernel ...}; mappings of a vCPU's {@code kvm_run}, of a
 * snapshot's memory file, and of a booted guest's RAM (anonymous and {@code MADV_DONTFORK}, as
 * {@link ProcessMemory#guestRamRss()} finds it). Those must come back to zero when every machine
 * and snapshot is closed; the totals also move with the JVM's own threads (JIT compiler and GC
 * threads come and go), their stacks and malloc arenas.
 *
 * @param fds        open file descriptors
 * @param kvmFds     of them, KVM's and the snapshots' memory files
 * @param tasks      threads of the process ({@code /proc/self/task})
 * @param engineThreads live Java threads whose name starts with {@code bootkernel-} (vCPUs, consoles, ...)
 * @param maps       memory mappings ({@code /proc/self/maps} lines)
 * @param kvmMaps    of them, {@code kvm_run} mappings and guest RAM (booted or cloned)
 */
record HostResources(long fds, long kvmFds, long tasks, long engineThreads, long maps, long kvmMaps) {

    /** The name a snapshot's memory file has in {@code /proc/self/fd} and {@code /proc/self/maps}. */
    static final String SNAPSHOT_MEMFD = "memfd:bootkernel guest RAM snapshot";

    /** @return the counts now */
    static HostResources now() throws IOException {
        List<String> links = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    links.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    links.add(""); // closed between the listing and the read (the listing's own fd)
                }
            }
        }
        long tasks;
        try (Stream<Path> t = Files.list(Path.of("/proc/self/task"))) {
            tasks = t.count();
        }
        long engineThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("bootkernel-")).count();
        List<String> smaps = Files.readAllLines(Path.of("/proc/self/smaps"), StandardCharsets.UTF_8);
        return new HostResources(links.size(), kvmFds(links), tasks, engineThreads, mappings(smaps), kvmMaps(smaps));
    }

    /** @return how many of the descriptors' link targets are KVM's or a snapshot's memory file */
    static long kvmFds(List<String> links) {
        return links.stream().filter(l -> l.equals("/dev/kvm") || l.startsWith("anon_inode:kvm-")
                || l.contains("memfd:bootkernel")).count();
    }

    /** @return the number of mappings in smaps */
    static long mappings(List<String> smaps) {
        return smaps.stream().filter(l -> ProcessMemory.HEADER.matcher(l).matches()).count();
    }

    /** @return the mappings that are a vCPU's {@code kvm_run}, a snapshot's memory file or a booted guest's RAM */
    static long kvmMaps(List<String> smaps) {
        long n = 0;
        String name = null;
        for (String line : smaps) {
            Matcher h = ProcessMemory.HEADER.matcher(line);
            if (h.matches()) {
                name = h.group(1).strip();
                if (name.startsWith("anon_inode:kvm") || name.contains("memfd:bootkernel")) {
                    n++;
                    name = null; // counted
                }
            } else if (name != null && name.isEmpty() && ProcessMemory.doesNotFork(line)) {
                n++; // anonymous and MADV_DONTFORK: a booted guest's RAM (VmFlags is a mapping's last line)
            }
        }
        return n;
    }

    /**
     * @return the bytes of clones' guest RAM that are their own: the {@code Anonymous} pages of
     *     every mapping of a snapshot's memory file, which are the copies its writes made
     *     (copy-on-write). Not {@code Private_Dirty}: the file's own pages are dirty in its page
     *     cache (written once by the snapshot, never written back), so a file page that only one
     *     clone maps counts as private and dirty there although it is shared with every later clone.
     */
    static long cloneWrittenBytes() throws IOException {
        return cloneWrittenBytes(Files.readAllLines(Path.of("/proc/self/smaps"), StandardCharsets.UTF_8));
    }

    static long cloneWrittenBytes(List<String> smaps) {
        long total = 0;
        boolean clone = false;
        for (String line : smaps) {
            Matcher h = ProcessMemory.HEADER.matcher(line);
            if (h.matches()) {
                clone = h.group(1).contains(SNAPSHOT_MEMFD);
                continue;
            }
            Matcher f = ProcessMemory.FIELD.matcher(line);
            if (clone && f.matches() && f.group(1).equals("Anonymous")) {
                total += Long.parseLong(f.group(2)) * 1024;
            }
        }
        return total;
    }

    /** @return {@code RssAnon} of {@code /proc/self/status}, bytes: the process's anonymous pages, copy-on-write copies included */
    static long rssAnon() throws IOException {
        return ProcessMemory.statusBytes(Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII),
                "RssAnon");
    }

    /** @return minor page faults of the whole process so far (field 10 of {@code /proc/self/stat}) */
    static long minorFaults() throws IOException {
        return minorFaults(Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII));
    }

    static long minorFaults(String stat) throws IOException {
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'.
        int close = stat.lastIndexOf(')');
        String[] f = close < 0 ? new String[0] : stat.substring(close + 2).strip().split(" ");
        // after comm: state(3) ppid(4) pgrp(5) session(6) tty_nr(7) tpgid(8) flags(9) minflt(10)
        if (f.length < 8) {
            throw new IOException("/proc/self/stat: cannot read minflt from: " + stat.strip());
        }
        return Long.parseLong(f[7]);
    }

    /** @return this minus {@code before}, field by field */
    HostResources minus(HostResources before) {
        return new HostResources(fds - before.fds, kvmFds - before.kvmFds, tasks - before.tasks,
                engineThreads - before.engineThreads, maps - before.maps, kvmMaps - before.kvmMaps);
    }

    @Override
    public String toString() {
        return fds + " fds (" + kvmFds + " KVM/memfd), " + tasks + " tasks (" + engineThreads + " bootkernel-*), "
                + maps + " mappings (" + kvmMaps + " kvm_run/guest RAM)";
    }
}
