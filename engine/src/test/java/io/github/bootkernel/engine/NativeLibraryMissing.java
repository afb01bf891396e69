package io.github.bootkernel.engine;

import java.nio.file.Path;

/**
 * Run by {@link NativeLibraryMissingTest} in a JVM whose JNA cannot load: starts a machine twice
 * (the first load of the native code fails with {@code UnsatisfiedLinkError}, later uses with
 * {@code NoClassDefFoundError}), then probes KVM, printing one line per step.
 */
public final class NativeLibraryMissing {

    private NativeLibraryMissing() {
    }

    /** @param args the kernel to boot */
    public static void main(String[] args) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try (Machine machine = Machine.start(MachineConfig.builder(Path.of(args[0])).memoryMiB(32).build())) {
                System.out.println("start " + attempt + ": started " + machine);
            } catch (Throwable e) {
                System.out.println("start " + attempt + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        // A device that exists everywhere: the probe gets as far as loading the native code.
        KvmAvailability kvm = KvmAvailability.probe(Path.of("/dev/null"));
        System.out.println("probe: " + kvm.usable() + " " + kvm.describe());
    }
}
