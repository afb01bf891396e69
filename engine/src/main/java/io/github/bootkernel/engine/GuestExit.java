package io.github.bootkernel.engine;

/**
 * How a guest ended.
 *
 * @param kind the kind of end
 * @param status the status the guest reported through the exit-status port; meaningful only for
 *     {@link Kind#EXIT_STATUS}, otherwise -1
 * @param detail a human-readable description: the panic line, the KVM error, a register dump
 */
public record GuestExit(Kind kind, int status, String detail) {

    /**
     * The I/O port a guest writes one byte to, to end with that byte as its exit status (the
     * port QEMU's {@code isa-debug-exit} device uses by default).
     */
    public static final int STATUS_PORT = 0xf4;

    /** The distinct ways a guest can end. */
    public enum Kind {
        /** The guest wrote a status byte to the exit-status port, {@link #STATUS_PORT}. */
        EXIT_STATUS,
        /** The guest reset the machine: i8042 reset command (Linux {@code reboot=k}) or a KVM reset event. */
        RESET,
        /** The guest powered off or halted for good ({@code reboot: Power down}, {@code System halted}). */
        POWEROFF,
        /** The kernel panicked ({@code Kernel panic - not syncing}); detail is the panic line. */
        PANIC,
        /** A triple fault: {@code KVM_EXIT_SHUTDOWN}. */
        TRIPLE_FAULT,
        /** KVM could not emulate an instruction ({@code KVM_EXIT_INTERNAL_ERROR}); detail has registers. */
        INTERNAL_ERROR,
        /** The hardware refused to enter the guest ({@code KVM_EXIT_FAIL_ENTRY}); detail has registers. */
        FAIL_ENTRY,
        /** The machine's time limit expired before the guest ended. */
        TIMEOUT,
        /** The host stopped the machine ({@code close()}) while it was running. */
        STOPPED,
        /** The monitor itself failed while running the guest; detail has the error. */
        VMM_ERROR
    }

    static GuestExit of(Kind kind, String detail) {
        return new GuestExit(kind, -1, detail);
    }

    /**
     * Whether the guest ended the way a successful test expects: status 0, or a clean
     * reset/poweroff without a status.
     *
     * @return true for a clean end
     */
    public boolean isClean() {
        return (kind == Kind.EXIT_STATUS && status == 0) || kind == Kind.RESET || kind == Kind.POWEROFF;
    }

    @Override
    public String toString() {
        return kind == Kind.EXIT_STATUS ? "exit status " + status : kind + (detail.isEmpty() ? "" : ": " + detail);
    }
}
