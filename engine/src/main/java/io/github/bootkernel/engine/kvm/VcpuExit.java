package io.github.bootkernel.engine.kvm;

/**
 * Why {@code KVM_RUN} returned, decoded once from {@code struct kvm_run} by {@link Vcpu#run()}
 * (see {@code Documentation/virt/kvm/api.rst}, "The kvm_run structure"). Holds plain values and
 * heap arrays, never native memory: an exit handler can be tested with exits made up by hand.
 *
 * <p>For {@link PortIn} and {@link MmioRead} the handler fills {@code data}; the vCPU copies it
 * into {@code kvm_run} before it enters the guest again, which is when KVM completes the
 * instruction.
 */
public sealed interface VcpuExit {

    /** {@code KVM_RUN} was interrupted (a kick or another signal: {@code EINTR}) before an exit. */
    VcpuExit INTERRUPTED = new Interrupted();
    /** The vCPU executed {@code HLT} ({@code KVM_EXIT_HLT}). */
    VcpuExit HALT = new Halt();
    /** Triple fault ({@code KVM_EXIT_SHUTDOWN}). */
    VcpuExit SHUTDOWN = new Shutdown();

    /**
     * {@code KVM_EXIT_IO}, direction in: an {@code IN}/{@code INS} of {@code count} accesses of
     * {@code size} bytes each.
     *
     * @param port the first port of each access
     * @param size bytes per access: 1, 2 or 4
     * @param count accesses (more than one for {@code REP INS})
     * @param data {@code size * count} bytes for the handler to fill, access by access, each
     *     little-endian
     */
    record PortIn(int port, int size, int count, byte[] data) implements VcpuExit {
        /** Checks that {@code data} holds exactly {@code size * count} bytes. */
        public PortIn {
            checkPortAccess(size, count, data);
        }
    }

    /**
     * {@code KVM_EXIT_IO}, direction out: an {@code OUT}/{@code OUTS}.
     *
     * @param port the first port of each access
     * @param size bytes per access: 1, 2 or 4
     * @param count accesses (more than one for {@code REP OUTS})
     * @param data the {@code size * count} bytes written, access by access, each little-endian
     */
    record PortOut(int port, int size, int count, byte[] data) implements VcpuExit {
        /** Checks that {@code data} holds exactly {@code size * count} bytes. */
        public PortOut {
            checkPortAccess(size, count, data);
        }
    }

    /**
     * {@code KVM_EXIT_MMIO}, a read of guest physical memory no slot backs.
     *
     * @param address the guest physical address
     * @param data {@code mmio.len} (at most 8) bytes for the handler to fill
     */
    record MmioRead(long address, byte[] data) implements VcpuExit {
    }

    /**
     * {@code KVM_EXIT_MMIO}, a write to guest physical memory no slot backs.
     *
     * @param address the guest physical address
     * @param data the {@code mmio.len} (at most 8) bytes written
     */
    record MmioWrite(long address, byte[] data) implements VcpuExit {
    }

    /** {@code KVM_EXIT_HLT}; use {@link #HALT}. */
    record Halt() implements VcpuExit {
    }

    /** {@code KVM_EXIT_SHUTDOWN}; use {@link #SHUTDOWN}. */
    record Shutdown() implements VcpuExit {
    }

    /** The kick or {@code EINTR} case; use {@link #INTERRUPTED}. */
    record Interrupted() implements VcpuExit {
    }

    /**
     * {@code KVM_EXIT_FAIL_ENTRY}: the hardware refused to enter the guest.
     *
     * @param hardwareReason {@code fail_entry.hardware_entry_failure_reason} (VMX/SVM specific)
     * @param cpu {@code fail_entry.cpu}, the host CPU that failed the entry
     */
    record FailEntry(long hardwareReason, int cpu) implements VcpuExit {
    }

    /**
     * {@code KVM_EXIT_INTERNAL_ERROR}: KVM could not go on (an instruction it cannot emulate, an
     * exception while delivering an event, ...).
     *
     * @param suberror {@code internal.suberror} ({@code KVM_INTERNAL_ERROR_*})
     * @param data {@code internal.data[0..ndata)}, at most 16 words
     */
    record InternalError(int suberror, long[] data) implements VcpuExit {
        /** @return the data words as {@code [0x1 0x2]} */
        public String dataHex() {
            return hex(data);
        }
    }

    /**
     * {@code KVM_EXIT_SYSTEM_EVENT}: the guest asked for a shutdown, reset or crash through
     * something KVM emulates (PSCI, a Hyper-V or Xen call, SEV termination).
     *
     * @param type {@code system_event.type} ({@code KVM_SYSTEM_EVENT_*})
     * @param data {@code system_event.data[0..ndata)}, at most 16 words; {@code data[0]} is what
     *     older kernels called {@code flags}
     */
    record SystemEvent(int type, long[] data) implements VcpuExit {
        /** {@code KVM_SYSTEM_EVENT_SHUTDOWN}. */
        public static final int SHUTDOWN = 1;
        /** {@code KVM_SYSTEM_EVENT_RESET}. */
        public static final int RESET = 2;
        /** {@code KVM_SYSTEM_EVENT_CRASH}. */
        public static final int CRASH = 3;

        private static final String[] NAMES = {null, "SHUTDOWN", "RESET", "CRASH", "WAKEUP", "SUSPEND",
            "SEV_TERM", "TDX_FATAL"};

        /** @return the KVM name of {@link #type()}, e.g. {@code KVM_SYSTEM_EVENT_RESET}, or null */
        public String typeName() {
            return type > 0 && type < NAMES.length ? "KVM_SYSTEM_EVENT_" + NAMES[type] : null;
        }

        /** @return {@code "4 (KVM_SYSTEM_EVENT_WAKEUP)"}, or just the number for a type without a name */
        public String describe() {
            return VcpuExit.describe(type, typeName());
        }

        /** @return the data words as {@code [0x1 0x2]} */
        public String dataHex() {
            return hex(data);
        }
    }

    /**
     * Any other exit reason: one this monitor never asks for (debug, exception, hypercall, ...)
     * or one newer than it. The guest caused it, and nothing in the monitor expects it.
     *
     * @param reason the {@code exit_reason} code
     * @param union the first {@value #UNION_WORDS} words of {@code kvm_run}'s exit union, where
     *     the few such exits KVM documents keep their fields ({@code hw.hardware_exit_reason};
     *     {@code ex.exception} and {@code ex.error_code}; {@code debug.arch}); empty when unknown
     */
    record Unknown(int reason, long[] union) implements VcpuExit {

        /** How many 8-byte words of the exit union {@link #union()} holds at most. */
        public static final int UNION_WORDS = 4;

        private static final String[] VECTORS = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
            null, "#TS", "#NP", "#SS", "#GP", "#PF", null, "#MF", "#AC", "#MC", "#XM", "#VE", "#CP"};

        /** Checks that {@code union} holds at most {@value #UNION_WORDS} words. */
        public Unknown {
            if (union.length > UNION_WORDS) {
                throw new IllegalArgumentException("at most " + UNION_WORDS + " union words, got " + union.length);
            }
        }

        /**
         * An exit known only by its code.
         *
         * @param reason the {@code exit_reason} code
         */
        public Unknown(int reason) {
            this(reason, new long[0]);
        }

        /** @return the KVM name of the code, e.g. {@code KVM_EXIT_DEBUG}, or null if it has none */
        public String kvmName() {
            return ExitReason.nameOf(reason);
        }

        /** @return {@code "4 (KVM_EXIT_DEBUG)"}, or just the number for a code without a name */
        public String describe() {
            return VcpuExit.describe(reason, kvmName());
        }

        /**
         * The hardware's reason, from the union fields KVM documents for this exit
         * ({@code Documentation/virt/kvm/api.rst}, "The kvm_run structure").
         *
         * @return for example {@code "hardware_exit_reason 0x7b"}, {@code "exception 6 (#UD),
         *     error_code 0x0"}, {@code "debug exception 1 (#DB), pc 0x100000, dr6 0xffff0ff0,
         *     dr7 0x400"}; empty for other exits or without union words
         */
        public String fields() {
            if (union.length < UNION_WORDS) {
                return "";
            }
            ExitReason known = ExitReason.of(reason);
            if (known == ExitReason.UNKNOWN) {
                return String.format("hardware_exit_reason 0x%x", union[0]);
            }
            if (known == ExitReason.EXCEPTION) {
                return String.format("exception %s, error_code 0x%x", vector((int) union[0]), union[0] >>> 32);
            }
            if (known == ExitReason.DEBUG) {
                return String.format("debug exception %s, pc 0x%x, dr6 0x%x, dr7 0x%x", vector((int) union[0]),
                        union[1], union[2], union[3]);
            }
            return "";
        }

        private static String vector(int vector) {
            String name = vector >= 0 && vector < VECTORS.length ? VECTORS[vector] : null;
            return VcpuExit.describe(vector, name);
        }
    }

    private static void checkPortAccess(int size, int count, byte[] data) {
        if (size != 1 && size != 2 && size != 4) {
            throw new IllegalArgumentException("port access size must be 1, 2 or 4, got " + size);
        }
        if (count < 0 || data.length != (long) size * count) {
            throw new IllegalArgumentException(
                    "port data must hold size * count = " + size + " * " + count + " bytes, got " + data.length);
        }
    }

    private static String describe(int code, String name) {
        return name == null ? Integer.toString(code) : code + " (" + name + ")";
    }

    private static String hex(long[] words) {
        StringBuilder sb = new StringBuilder("[");
        for (long w : words) {
            sb.append(sb.length() > 1 ? " " : "").append("0x").append(Long.toHexString(w));
        }
        return sb.append(']').toString();
    }
}
