package io.github.bootkernel.bench.boot;

/** The monitors compared, each named as in the results' subjects. */
public enum Monitor {
    /** QEMU {@code -M pc}, a process per boot. */
    QEMU_PC("QEMU -M pc"),
    /** QEMU {@code -M microvm}, tuned, a process per boot. */
    QEMU_MICROVM("QEMU -M microvm"),
    /** bootkernel's command-line tool, a fresh JVM per boot. */
    CLI("bootkernel CLI"),
    /** {@code Machine.start} in the benchmark's JVM, after warm-up boots. */
    WARM("bootkernel warm JVM");

    private final String label;

    Monitor(String label) {
        this.label = label;
    }

    /** @return the name in the results, e.g. {@code "QEMU -M pc"} */
    public String label() {
        return label;
    }

    /**
     * @param label a name from {@link #label()}
     * @return the monitor of that name
     * @throws IllegalArgumentException for an unknown name
     */
    public static Monitor ofLabel(String label) {
        for (Monitor m : values()) {
            if (m.label.equals(label)) {
                return m;
            }
        }
        throw new IllegalArgumentException("no monitor is called '" + label + "'");
    }
}
