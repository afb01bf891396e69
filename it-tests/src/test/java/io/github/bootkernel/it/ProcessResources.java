package io.github.bootkernel.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What this JVM holds, from {@code /proc/self} (proc(5)), split into what machines and snapshots
 * own and what the JVM itself does.
 *
 * @param fds           open file descriptors ({@code /proc/self/fd})
 * @param kvmFds        of them: {@code /dev/kvm}, {@code anon_inode:kvm-*} and {@code memfd:bootkernel ...}
 * @param tasks         threads of the process ({@code /proc/self/task})
 * @param ownTasks      of them, those that are not the JVM's JIT compiler or GC workers (whose number
 *                      the JVM changes with its load: {@code UseDynamicNumberOfCompilerThreads},
 *                      G1's dynamic worker count), by their {@code comm}
 * @param engineThreads live Java threads named {@code bootkernel-*} (vCPUs, consoles, reports, drain)
 * @param maps          memory mappings ({@code /proc/self/maps} lines)
 * @param kvmMaps       of them: {@code anon_inode:kvm-*} ({@code kvm_run}, the coalesced ring),
 *                      {@code memfd:bootkernel ...} (a clone's RAM), and anonymous
 *                      {@code MADV_DONTFORK} mappings (a booted guest's RAM; nothing else in the JVM
 *                      uses that flag)
 */
record ProcessResources(long fds, long kvmFds, long tasks, long ownTasks, long engineThreads, long maps,
                        long kvmMaps) {

    /** {@code comm} prefixes of the JVM's own workers whose count varies with load (15 chars at most). */
    private static final Set<String> JVM_WORKERS = Set.of("C1 CompilerThre", "C2 CompilerThre", "GC Thread#",
            "G1 Conc#", "G1 Refine#", "G1 Service", "G1 Main Marker");

    /** @return the counts now */
    static ProcessResources now() throws IOException {
        long fds = 0;
        long kvmFds = 0;
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : list.toList()) {
                fds++;
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // the listing's own descriptor, closed by now
                }
                if (target.equals("/dev/kvm") || target.startsWith("anon_inode:kvm-") || target.contains("memfd:bootkernel")) {
                    kvmFds++;
                }
            }
        }
        long tasks = 0;
        long ownTasks = 0;
        try (Stream<Path> list = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : list.toList()) {
                String comm;
                try {
                    comm = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    continue; // the thread ended between the listing and the read
                }
                tasks++;
                if (JVM_WORKERS.stream().noneMatch(comm::startsWith)) {
                    ownTasks++;
                }
            }
        }
        long engineThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("bootkernel-")).count();
        List<String> smaps = Files.readAllLines(Path.of("/proc/self/smaps"), StandardCharsets.UTF_8);
        long maps = 0;
        long kvmMaps = 0;
        boolean anonymous = false;
        for (String line : smaps) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                maps++;
                String[] f = line.split("\\s+", 6);
                String name = f.length == 6 ? f[5].strip() : "";
                anonymous = name.isEmpty();
                if (name.startsWith("anon_inode:kvm") || name.contains("memfd:bootkernel")) {
                    kvmMaps++;
                }
            } else if (anonymous && line.startsWith("VmFlags:") && (" " + line.substring(8) + " ").contains(" dc ")) {
                kvmMaps++;
            }
        }
        return new ProcessResources(fds, kvmFds, tasks, ownTasks, engineThreads, maps, kvmMaps);
    }

    /**
     * Reads the counts until the machines' threads have ended: a closed machine's console delivery
     * and report threads finish on their own within a second or two.
     *
     * @param engineThreads the {@code bootkernel-*} threads expected
     * @return the counts once they show that many, or after 10 s
     */
    static ProcessResources settled(long engineThreads) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        ProcessResources now = now();
        while (now.engineThreads() > engineThreads && System.nanoTime() < deadline) {
            Thread.sleep(100);
            now = now();
        }
        System.gc();
        return now();
    }

    /** @return the lines of {@code /proc/self/maps} and the links of {@code /proc/self/fd} that are KVM's or guest RAM, for a failure message */
    static List<String> kvmDetails() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"), StandardCharsets.UTF_8)) {
            if (line.contains("kvm") || line.contains("memfd:bootkernel")) {
                out.add(line);
            }
        }
        try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : list.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.contains("kvm") || target.contains("memfd")) {
                        out.add("fd " + fd.getFileName() + " -> " + target);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return fds + " fds (" + kvmFds + " KVM/memfd), " + tasks + " tasks (" + ownTasks + " not JIT/GC workers, "
                + engineThreads + " bootkernel-*), " + maps + " mappings (" + kvmMaps + " KVM/guest RAM)";
    }
}
