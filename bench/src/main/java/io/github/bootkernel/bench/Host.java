package io.github.bootkernel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the report says about the machine, read from {@code /proc} and {@code /sys}. */
public final class Host {

    private Host() {
    }

    /** @return facts, one per line: kernel, CPU, KVM's kind, memory, Java */
    public static List<String> facts() {
        List<String> facts = new ArrayList<>();
        facts.add("kernel " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")");
        facts.add("CPU " + cpuinfo("model name").orElse("unknown") + ", "
                + Runtime.getRuntime().availableProcessors() + " online");
        facts.add("KVM: " + where());
        facts.add("memory " + meminfo().orElse("unknown"));
        facts.add("Java " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return facts;
    }

    /**
     * @return where the guests run: {@code "PVM"}, {@code "nested KVM (in a VM)"} or
     *     {@code "hardware KVM"}; {@code BENCH_WHERE} overrides it
     */
    public static String where() {
        String override = System.getenv("BENCH_WHERE");
        if (override != null && !override.isBlank()) {
            return override.strip();
        }
        if (Files.exists(Path.of("/sys/module/kvm_pvm"))) {
            return "PVM (kvm_pvm)";
        }
        boolean inVm = cpuinfo("flags").map(f -> (" " + f + " ").contains(" hypervisor ")).orElse(false);
        return inVm ? "nested KVM (in a VM, " + Runtime.getRuntime().availableProcessors() + " vCPU)" : "hardware KVM";
    }

    private static Optional<String> cpuinfo(String key) {
        return field(Path.of("/proc/cpuinfo"), key);
    }

    private static Optional<String> meminfo() {
        return field(Path.of("/proc/meminfo"), "MemTotal").map(v -> {
            long kb = Long.parseLong(v.replace("kB", "").strip());
            return (kb / 1024) + " MiB";
        });
    }

    private static Optional<String> field(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
                    return Optional.of(line.substring(colon + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
