package io.github.bootkernel.bench.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * KVM's exit counters for one VM of one process, from debugfs
 * ({@code /sys/kernel/debug/kvm/<pid>-<vm fd>/}; KVM API document, "KVM statistics"): the same
 * counters for any monitor, so they compare bootkernel and QEMU fairly. KVM names the directory
 * after the thread that created the VM (its thread id, which in a JVM is not the process id), so
 * the VM is found as the one directory that appeared after {@link #before()}. {@code exits} counts every
 * VM exit (to KVM, handled in the kernel or not); {@code io_exits} the port accesses KVM handed to
 * the monitor's user space.
 */
final class KvmStats {

    private static final Path DEBUGFS = Path.of("/sys/kernel/debug");
    private static final Path KVM = DEBUGFS.resolve("kvm");

    /** One reading. */
    record Counts(long exits, long ioExits) {
        Counts minus(Counts earlier) {
            return new Counts(exits - earlier.exits, ioExits - earlier.ioExits);
        }
    }

    private final java.util.Set<Path> existing;
    private Path vmDir;

    private KvmStats(java.util.Set<Path> existing) {
        this.existing = existing;
    }

    /**
     * Notes the VMs that exist now; call right before the monitor creates its VM, with no other VM
     * created meanwhile.
     *
     * @throws IOException if KVM's debugfs directory cannot be listed
     */
    static KvmStats before() throws IOException {
        return new KvmStats(java.util.Set.copyOf(vms()));
    }

    private static List<Path> vms() throws IOException {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(KVM, "*-*")) {
            dirs.forEach(d -> {
                if (Files.isDirectory(d)) {
                    found.add(d);
                }
            });
        }
        return found;
    }

    /**
     * Mounts debugfs if KVM's directory is not there (root only), and checks it is readable.
     *
     * @throws IOException if KVM's statistics cannot be read on this host
     */
    static void requireAvailable() throws IOException, InterruptedException {
        if (Files.isDirectory(KVM)) {
            return;
        }
        Process mount = new ProcessBuilder("mount", "-t", "debugfs", "debugfs", DEBUGFS.toString())
                .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes()).strip();
        if (!mount.waitFor(10, TimeUnit.SECONDS) || mount.exitValue() != 0 || !Files.isDirectory(KVM)) {
            throw new IOException("KVM's exit counters need " + KVM + " (debugfs, as root): mounting debugfs failed: "
                    + out);
        }
    }

    /**
     * Reads the VM's counters. The VM is the one directory {@code <thread id>-<fd>} that appeared
     * since {@link #before()}.
     *
     * @throws IOException if there is no such directory, or several, or a counter is unreadable
     */
    synchronized Counts read() throws IOException {
        if (vmDir == null) {
            vmDir = find();
        }
        return new Counts(counter("exits"), counter("io_exits"));
    }

    private Path find() throws IOException {
        List<Path> found = vms();
        found.removeAll(existing);
        if (found.size() != 1) {
            throw new IOException("expected one new KVM VM in " + KVM + " since the monitor started, found " + found);
        }
        return found.get(0);
    }

    private long counter(String name) throws IOException {
        Path file = vmDir.resolve(name);
        String text = Files.readString(file).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " holds '" + text + "', not a count", e);
        }
    }
}
