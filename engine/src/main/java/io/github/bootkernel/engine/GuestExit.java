package io.github.bootkernel.engine;

/**
 * How a guest ended.
 *
 * <p>A guest ends only when the machine does something: the guest writes the exit-status port,
 * resets (the i8042 reset command, a triple fault, a KVM reset event), powers off (the ACPI sleep
 * control register with S5, a KVM shutdown event), stops its only vCPU for good (halted with
 * interrupts off, checked after the kernel says {@code reboot: System halted} or
 * {@code reboot: Power down}), makes a VM exit the monitor cannot handle, or the host ends it
 * (its time limit, its silence watchdog, {@code close()}). Only one console line ends a guest,
 * and only when nothing else did: the kernel's panic line (see {@link Kind#PANIC}).
 *
 * <p>What the kernel printed before that end decides how the end is read, because the machine
 * alone cannot tell an orderly reboot from a crash: a reset or triple fault after
 * {@code Kernel panic - not syncing} is a {@link Kind#PANIC}; a triple fault after
 * {@code reboot: Restarting system} is the orderly {@link Kind#RESET} of Linux's {@code reboot=t};
 * any clean end after {@code Initramfs unpacking failed} is a {@link Kind#BOOT_FAILED}. These
 * readings are in-band: a program that prints those lines changes how the end is read (never
 * whether or when the guest ends), and only towards a failure, except that a triple fault right
 * after a printed {@code reboot: Restarting system} counts as a reset.
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
        /**
         * The guest reset the machine: the i8042 reset command (Linux {@code reboot=k}), a KVM reset
         * event, or a triple fault after {@code reboot: Restarting system} (Linux {@code reboot=t}).
         */
        RESET,
        /**
         * The guest powered off (ACPI S5 through the sleep control register, a KVM shutdown event) or
         * halted for good (its vCPU halted with interrupts off after {@code reboot: System halted} or
         * {@code reboot: Power down}).
         */
        POWEROFF,
        /**
         * The kernel panicked ({@code Kernel panic - not syncing}); detail starts with the panic
         * line. The guest then ended by resetting, as {@code panic=-1} (the default command line)
         * asks, or the monitor ended it: at once at the kernel's {@code ---[ end Kernel panic}
         * line ({@code panic=0}, after which the kernel spins and the machine would show
         * nothing), else 5 s after the panic line, or when it went silent after it. Either way
         * the console holds the whole report.
         */
        PANIC,
        /**
         * The kernel said its boot failed ({@code Initramfs unpacking failed}) and the guest then ended
         * in a way that would otherwise count as clean; detail is the kernel's line and that end.
         */
        BOOT_FAILED,
        /** A triple fault: {@code KVM_EXIT_SHUTDOWN}, not after {@code reboot: Restarting system}. */
        TRIPLE_FAULT,
        /** KVM could not emulate an instruction ({@code KVM_EXIT_INTERNAL_ERROR}); detail has registers. */
        INTERNAL_ERROR,
        /** The hardware refused to enter the guest ({@code KVM_EXIT_FAIL_ENTRY}); detail has registers. */
        FAIL_ENTRY,
        /**
         * The guest caused a VM exit the monitor has no handling for: {@code KVM_EXIT_UNKNOWN} (with
         * the hardware's exit reason), {@code KVM_EXIT_EXCEPTION}, {@code KVM_EXIT_DEBUG}, a KVM system
         * event other than shutdown, reset and crash, or an exit reason newer than this monitor;
         * detail names it, with the hardware's fields and registers.
         */
        UNHANDLED_EXIT,
        /** The machine's time limit expired before the guest ended. */
        TIMEOUT,
        /**
         * The guest printed nothing on its console for the machine's silence time
         * ({@link MachineConfig#silenceTimeout()}); detail says how long, names the last line
         * (and an unterminated one after it, such as a prompt) and how long ago each came. A guest
         * that went quiet after the kernel's panic line ends as {@link #PANIC} instead.
         */
        SILENT,
        /** The host stopped the machine ({@code close()}) while it was running. */
        STOPPED,
        /**
         * The monitor itself failed while running the guest (a failed {@code KVM_RUN}, an impossible
         * {@code kvm_run} record, an error in a device model); detail has the error.
         */
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
