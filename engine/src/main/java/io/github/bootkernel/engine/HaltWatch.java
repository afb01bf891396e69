package io.github.bootkernel.engine;

import io.github.bootkernel.engine.kvm.MpState;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Ends the guest as {@link GuestExit.Kind#POWEROFF} once its vCPUs have really stopped after the
 * kernel said it halts or powers off. A kernel without a power-off device (our {@code tiny}
 * kernels have no ACPI; {@code acpi=off}) turns {@code poweroff} into a halt: it prints
 * {@code reboot: System halted} and stops its CPU in {@code stop_this_cpu()}, interrupts off, in
 * a {@code hlt} loop, after stopping every other CPU the same way ({@code smp_send_stop()}). KVM
 * keeps such vCPUs inside {@code KVM_RUN} and tells the monitor nothing, so the monitor looks:
 * after the line, it asks every vCPU thread for its vCPU's state at growing intervals
 * ({@value #FIRST_DELAY_MILLIS} ms doubling up to {@value #MAX_DELAY_MILLIS} ms) for
 * {@value #WINDOW_MILLIS} ms, and ends the guest when the latest look at every vCPU found it
 * {@linkplain #haltedForGood(MpState, long) halted with interrupts off}.
 *
 * <p>That state is the machine's, not the console's: {@code hlt} is privileged, so only the kernel
 * can put a vCPU there; with the local APIC's interrupts masked by {@code IF=0}, only an NMI or
 * INIT from another CPU could wake it, and once every vCPU is there, none is left to send one. A
 * program that prints the line only makes the monitor look for the window; an idle guest halts
 * with interrupts on and is left running.
 */
final class HaltWatch {

    static final long FIRST_DELAY_MILLIS = 1;
    static final long MAX_DELAY_MILLIS = 256;
    static final long WINDOW_MILLIS = 10_000;
    /** {@code RFLAGS.IF}, bit 9. */
    static final long RFLAGS_IF = 1L << 9;

    private final Runnable inspectVcpu;
    private final BooleanSupplier ended;
    private final Supplier<String> powerDownLine;
    private final AtomicBoolean watching = new AtomicBoolean();
    /** Per vCPU, whether the latest look found it halted for good. */
    private final boolean[] halted;
    private volatile long deadline;

    /**
     * @param vcpus how many vCPUs the machine has
     * @param inspectVcpu asks every vCPU thread to pass its vCPU's state to {@link #inspect} soon
     * @param ended whether the guest has ended, so the watch stops
     * @param powerDownLine the kernel's line, for the end's detail
     */
    HaltWatch(int vcpus, Runnable inspectVcpu, BooleanSupplier ended, Supplier<String> powerDownLine) {
        this.halted = new boolean[vcpus];
        this.inspectVcpu = inspectVcpu;
        this.ended = ended;
        this.powerDownLine = powerDownLine;
    }

    /** Starts watching, or extends the watch, for {@value #WINDOW_MILLIS} ms from now. */
    void arm() {
        deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS);
        if (watching.compareAndSet(false, true)) {
            schedule(FIRST_DELAY_MILLIS);
        }
    }

    /**
     * Runs the next look on the JDK's shared delay thread itself: a look only sets a flag and kicks
     * the vCPU, so it needs no thread of its own.
     */
    private void schedule(long delayMillis) {
        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS, Runnable::run)
                .execute(() -> tick(delayMillis));
    }

    private void tick(long delayMillis) {
        if (!ended.getAsBoolean() && System.nanoTime() - deadline < 0) {
            inspectVcpu.run();
            schedule(Math.min(2 * delayMillis, MAX_DELAY_MILLIS));
            return;
        }
        watching.set(false);
        // An arm() that raced with the end of this watch moved the deadline: go on watching.
        if (!ended.getAsBoolean() && System.nanoTime() - deadline < 0 && watching.compareAndSet(false, true)) {
            schedule(FIRST_DELAY_MILLIS);
        }
    }

    /**
     * Records one vCPU's state and decides; called on that vCPU's thread between runs.
     *
     * @param vcpu the vCPU's index
     * @param state {@code KVM_GET_MP_STATE}
     * @param rflags the vCPU's RFLAGS
     * @return the power-off, if the latest look at every vCPU found it halted for good
     */
    Optional<GuestExit> inspect(int vcpu, MpState state, long rflags) {
        synchronized (halted) {
            halted[vcpu] = haltedForGood(state, rflags);
            for (boolean h : halted) {
                if (!h) {
                    return Optional.empty();
                }
            }
        }
        String said = powerDownLine.get();
        return Optional.of(GuestExit.of(GuestExit.Kind.POWEROFF, (said == null ? "" : said + ": ")
                + (halted.length == 1 ? "the vCPU halted with interrupts off"
                : "every vCPU halted with interrupts off or never started")));
    }

    /**
     * Whether a vCPU is stopped for good: halted ({@code KVM_MP_STATE_HALTED}) with interrupts
     * off ({@code RFLAGS.IF} clear), so no interrupt the machine raises can wake it; or an
     * application processor the kernel never started ({@code UNINITIALIZED}, {@code INIT_RECEIVED}:
     * a kernel booted with {@code nosmp} or {@code maxcpus=1}), which only another CPU's INIT and
     * start-up IPIs could start.
     *
     * @param state the vCPU's MP state
     * @param rflags its RFLAGS
     * @return true if it cannot run again unless another vCPU wakes it
     */
    static boolean haltedForGood(MpState state, long rflags) {
        return switch (state) {
            case HALTED -> (rflags & RFLAGS_IF) == 0;
            case UNINITIALIZED, INIT_RECEIVED -> true;
            default -> false;
        };
    }
}
