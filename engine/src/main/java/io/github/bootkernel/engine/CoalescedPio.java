package io.github.bootkernel.engine;

import io.github.bootkernel.engine.devices.PortBus;
import io.github.bootkernel.engine.kvm.Capability;
import io.github.bootkernel.engine.kvm.CoalescedRing;
import io.github.bootkernel.engine.kvm.Kvm;
import io.github.bootkernel.engine.kvm.Vcpu;
import io.github.bootkernel.engine.kvm.Vm;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * KVM's coalesced port I/O ({@code KVM_CAP_COALESCED_PIO}) for the UARTs' transmit holding
 * registers: a guest's write to THR lands in KVM's ring instead of exiting to the monitor, and the
 * monitor hands it to the port bus later, in order. Linux's 8250 driver writes up to 16 bytes to
 * THR for each THRE interrupt and reads IIR or LSR (which exit) before it writes more, so its tty
 * path costs a few exits per 16 bytes instead of one per byte, and its console path (printk) one
 * LSR read per byte instead of a read and a write.
 *
 * <p>Only offset 0 of each UART is coalesced: with LCR.DLAB set that is the divisor latch's low
 * byte, which the ring delivers in order just the same. What keeps the UART's behaviour exact:
 *
 * <ul>
 *   <li>Every vCPU thread drains the ring after each {@code KVM_RUN}, before it handles the exit
 *       ({@link Vm#drainCoalesced()}), so every read of the UART, and every other device access,
 *       sees all THR writes made before it, by any vCPU.
 *   <li>A vCPU that halts or spins after writing THR stays inside {@code KVM_RUN} (the local
 *       APIC is in the kernel), so bytes could wait in the ring with nothing to drain them: a
 *       thread drains it, {@value #FAST_POLL_MICROS} µs after it last found writes there, backing
 *       off by doubling to {@value #SLOW_POLL_MICROS} µs while it finds none. Linux's 8250 driver
 *       never needs it: both its paths end each burst with an exit (the IER write that stops the
 *       transmitter, the LSR read that waits for it to drain), which drains the ring. It is the
 *       safety net for guests that write THR blind and halt, and the whole output path of one
 *       that writes THR blind forever; waking every millisecond all the time would cost a guest
 *       that does neither (a host wake-up is not cheap under nested virtualization).
 *   <li>Each vCPU thread drains once more after its last run, and {@link #close()} drains before it
 *       unmaps, so the guest's last line is never lost.
 * </ul>
 *
 * <p>Without the capability (an old kernel, or {@code -Dbootkernel.coalescedPio=false}) nothing is
 * registered and every THR write exits as before.
 */
final class CoalescedPio implements AutoCloseable {

    /** The system property that turns coalescing off ({@code false}), for comparisons. */
    static final String PROPERTY = "bootkernel.coalescedPio";
    /** How soon the drain thread looks at the ring again after it found writes there, in microseconds. */
    static final long FAST_POLL_MICROS = 1000;
    /** How long the drain thread waits at most between looks at an empty ring, in microseconds. */
    static final long SLOW_POLL_MICROS = 32_000;
    private static final long JOIN_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(CoalescedPio.class.getName());

    private final CoalescedRing ring;
    private final Consumer<GuestExit> end;
    private final Thread poller;
    private volatile boolean stopping;

    private CoalescedPio(CoalescedRing ring, Consumer<GuestExit> end) {
        this.ring = ring;
        this.end = end;
        this.poller = new Thread(this::poll, "bootkernel-coalesced-pio");
        this.poller.setDaemon(true);
    }

    /**
     * Registers the first port of each of {@code ports} as a coalesced zone, when this host's KVM
     * can, and starts draining the ring into {@code bus}.
     *
     * @param kvm the system handle, asked for the capabilities
     * @param vm the VM; its {@link Vm#drainCoalesced()} drains the ring from now on
     * @param vcpu any vCPU of the VM, to map the ring page through
     * @param bus where the recorded writes go
     * @param ports the first port of each UART
     * @param end ends the guest when draining fails on the drain thread (a device model threw)
     * @return the running drain, owned by the caller; empty when coalescing is off or unsupported
     * @throws IllegalArgumentException if the system property {@value #PROPERTY} is set to anything
     *     but {@code true} or {@code false}
     */
    static Optional<CoalescedPio> enable(Kvm kvm, Vm vm, Vcpu vcpu, PortBus bus, List<Integer> ports,
                                         Consumer<GuestExit> end) {
        if (!enabledByProperty(System.getProperty(PROPERTY))) {
            return Optional.empty();
        }
        int pageOffset = kvm.checkExtension(Capability.COALESCED_MMIO);
        if (pageOffset <= 0 || kvm.checkExtension(Capability.COALESCED_PIO) <= 0) {
            LOG.log(System.Logger.Level.DEBUG, "no coalesced port I/O on " + kvm.device() + ": every THR write exits");
            return Optional.empty();
        }
        CoalescedRing ring = CoalescedRing.map(vcpu, pageOffset,
                (pio, address, data, length) -> bus.out((int) address, length, 1, Arrays.copyOf(data, length)));
        CoalescedPio coalesced = new CoalescedPio(ring, end);
        try {
            vm.attach(ring);
            for (int port : ports) {
                vm.registerCoalescedPio(port, 1);
            }
        } catch (RuntimeException e) {
            // The machine's start fails with this, and closing it stops every vCPU; the poller never ran.
            coalesced.close();
            throw e;
        }
        coalesced.poller.start();
        return Optional.of(coalesced);
    }

    /**
     * @param value the system property {@value #PROPERTY}, or {@code null} when unset
     * @return whether coalescing is wanted: unset or {@code true} (any case) yes, {@code false} no
     * @throws IllegalArgumentException for any other value, naming the property and the value
     */
    static boolean enabledByProperty(String value) {
        if (value == null || value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("system property " + PROPERTY + " must be true or false, got '" + value + "'");
    }

    /**
     * @param port a coalesced zone's port
     * @return whether the guest's writes to {@code port} wait in the ring, or are being handed to
     *     their device now; never waits ({@link CoalescedRing#pending(long)})
     */
    boolean pending(int port) {
        return ring.pending(port);
    }

    /** @return how many writes came through the ring so far */
    long drainedCount() {
        return ring.drainedCount();
    }

    private void poll() {
        try {
            long wait = FAST_POLL_MICROS;
            while (!stopping) {
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(wait));
                wait = ring.drain() > 0 ? FAST_POLL_MICROS : Math.min(SLOW_POLL_MICROS, 2 * wait);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "draining the coalesced I/O ring failed", e);
            end.accept(GuestExit.of(GuestExit.Kind.VMM_ERROR, "draining the coalesced I/O ring failed: " + e));
        }
    }

    /**
     * Stops the drain thread, drains what is left and unmaps the ring. Call once no vCPU runs the
     * guest any more. Idempotent.
     */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(poller);
        boolean interrupted = false;
        try {
            poller.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            ring.drain();
        } finally {
            ring.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
