package io.github.bootkernel.bench.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's command lines for the benchmark: KVM, the host's CPU model, 256 MiB like bootkernel's
 * default, no default devices, the console on ttyS0 to standard output, and {@code -no-reboot} so
 * a guest reset ends the process.
 */
public final class QemuCommand {

    /** The QEMU executable. */
    public static final String QEMU = "qemu-system-x86_64";

    /** The machine types compared. */
    public enum Type {
        /** {@code -M pc}: the i440FX PC with firmware, the usual default. */
        PC("QEMU -M pc", List.of("-M", "pc"), ""),
        /**
         * {@code -M microvm} tuned: no option ROMs, an RTC (the kernel otherwise waits for one), and
         * {@code reboot=t} (a triple fault, which microvm turns into an exit; it has no i8042).
         */
        MICROVM("QEMU -M microvm", List.of("-M", "microvm,x-option-roms=off,rtc=on"), "reboot=t");

        private final String label;
        private final List<String> machine;
        private final String cmdline;

        Type(String label, List<String> machine, String cmdline) {
            this.label = label;
            this.machine = machine;
            this.cmdline = cmdline;
        }

        /** @return the subject's name in the results, e.g. {@code "QEMU -M pc"} */
        public String label() {
            return label;
        }
    }

    private QemuCommand() {
    }

    /**
     * @param type    the machine type
     * @param kernel  the bzImage
     * @param initrd  the initramfs
     * @param cmdline the whole kernel command line (the machine type's own words are appended)
     * @param cpus    vCPUs
     * @param memoryMiB guest RAM
     * @return the argv
     */
    public static List<String> argv(Type type, Path kernel, Path initrd, String cmdline, int cpus, int memoryMiB) {
        List<String> argv = new ArrayList<>(List.of(QEMU, "-enable-kvm", "-cpu", "host"));
        argv.addAll(type.machine);
        argv.addAll(List.of("-smp", Integer.toString(cpus), "-m", Integer.toString(memoryMiB),
                "-nographic", "-no-reboot", "-nodefaults", "-no-user-config", "-serial", "stdio",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                "-append", (cmdline + " " + type.cmdline).strip()));
        return argv;
    }
}
