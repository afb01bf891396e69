package io.github.bootkernel.bench.boot;

import java.util.Optional;

/**
 * A boot's subject as written in {@link io.github.bootkernel.bench.Row#subject()}:
 * {@code "<monitor>, <kernel id>, <n> vCPU"}, e.g. {@code "QEMU -M pc, debian-cloud, 1 vCPU"}.
 *
 * @param monitor the monitor
 * @param kernel  the kernel id
 * @param cpus    vCPUs
 */
public record Subject(Monitor monitor, String kernel, int cpus) {

    /** @return the subject's text */
    @Override
    public String toString() {
        return monitor.label() + ", " + kernel + ", " + cpus + " vCPU";
    }

    /**
     * @param text a row's subject
     * @return the subject it names, empty if it is not of this form
     */
    public static Optional<Subject> parse(String text) {
        String[] parts = text.split(", ");
        if (parts.length != 3 || !parts[2].endsWith(" vCPU")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Subject(Monitor.ofLabel(parts[0]), parts[1],
                    Integer.parseInt(parts[2].substring(0, parts[2].length() - " vCPU".length()))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
