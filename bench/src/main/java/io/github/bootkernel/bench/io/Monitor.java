package io.github.bootkernel.bench.io;

import io.github.bootkernel.engine.GuestExit;
import io.github.bootkernel.engine.Machine;
import io.github.bootkernel.engine.MachineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The monitors the I/O sections compare, each booting a {@link BenchGuest} with one vCPU and 256
 * MiB, its console read by a {@link MarkerClock}: bootkernel in this JVM (through {@link Machine}),
 * with and without KVM's coalesced port I/O, and QEMU ({@code -M pc}, {@code -serial stdio}).
 */
enum Monitor {

    /** bootkernel with THR writes through KVM's coalesced ring, where the host has it. */
    BOOTKERNEL("bootkernel (coalesced THR writes)", true),
    /** bootkernel with every THR write a VM exit: {@code -Dbootkernel.coalescedPio=false}. */
    BOOTKERNEL_EXIT_PER_BYTE("bootkernel (a VM exit per THR write)", false),
    /** QEMU with KVM, {@code -M pc}. */
    QEMU("QEMU -M pc", false);

    /** The kernel command line both monitors pass (bootkernel adds its defaults before it). */
    static final String CMDLINE = "quiet printk.devkmsg=on";
    /** The engine's switch for coalescing, {@code CoalescedPio.PROPERTY}. */
    private static final String COALESCING_PROPERTY = "bootkernel.coalescedPio";
    private static final int MEMORY_MIB = 256;

    private final String subject;
    private final boolean coalesced;

    Monitor(String subject, boolean coalesced) {
        this.subject = subject;
        this.coalesced = coalesced;
    }

    /** @return the subject of this monitor's rows */
    String subject() {
        return subject;
    }

    /**
     * Boots the guest, waits until its {@code /init} finished, and returns the console's clock.
     *
     * @param timeout how long the whole boot may take
     * @throws IllegalStateException if the guest does not finish in time, with the console's last lines
     */
    MarkerClock run(BenchGuest guest, Duration timeout) throws Exception {
        return this == QEMU ? runQemu(guest, timeout) : runBootkernel(guest, timeout);
    }

    private MarkerClock runBootkernel(BenchGuest guest, Duration timeout) throws Exception {
        KvmStats stats = KvmStats.before();
        AtomicReference<Machine> machine = new AtomicReference<>();
        MarkerClock clock = new MarkerClock(() -> {
            KvmStats.Counts c = stats.read();
            Machine m = machine.get();
            return new long[] {c.exits(), c.ioExits(), m == null ? -1 : m.exitCount()};
        });
        MachineConfig config = MachineConfig.builder(guest.kernel()).initrd(guest.initramfs())
                .appendCmdline(CMDLINE).memoryMiB(MEMORY_MIB).cpus(1).timeout(timeout).build();
        String before = System.getProperty(COALESCING_PROPERTY);
        System.setProperty(COALESCING_PROPERTY, Boolean.toString(coalesced));
        try (Machine m = startWith(config, clock, machine)) {
            if (!clock.awaitFinished(timeout.toNanos())) {
                throw new IllegalStateException(subject + " did not finish within " + timeout.toSeconds() + " s ("
                        + m.exit().map(GuestExit::toString).orElse("still running") + "); last lines:\n  " + clock.tail());
            }
            m.awaitExit(Duration.ofSeconds(30));
            if (m.rawOutputDropped() > 0) {
                throw new IllegalStateException(subject + ": the console consumer lost " + m.rawOutputDropped() + " bytes");
            }
        } finally {
            if (before == null) {
                System.clearProperty(COALESCING_PROPERTY);
            } else {
                System.setProperty(COALESCING_PROPERTY, before);
            }
        }
        return clock;
    }

    private static Machine startWith(MachineConfig config, MarkerClock clock, AtomicReference<Machine> machine) {
        Machine m = Machine.start(config, clock);
        machine.set(m);
        return m;
    }

    private MarkerClock runQemu(BenchGuest guest, Duration timeout) throws Exception {
        List<String> command = List.of("qemu-system-x86_64", "-enable-kvm", "-M", "pc", "-cpu", "host", "-smp", "1",
                "-m", Integer.toString(MEMORY_MIB), "-nographic", "-no-reboot", "-nodefaults", "-serial", "stdio",
                "-kernel", guest.kernel().toString(), "-initrd", guest.initramfs().toString(),
                "-append", "console=ttyS0 reboot=k panic=-1 " + CMDLINE);
        KvmStats stats = KvmStats.before();
        Process qemu;
        try {
            qemu = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot start qemu-system-x86_64 (is QEMU installed?): " + e.getMessage(), e);
        }
        try {
            MarkerClock clock = new MarkerClock(() -> {
                KvmStats.Counts c = stats.read();
                return new long[] {c.exits(), c.ioExits(), -1};
            });
            Thread reader = new Thread(() -> pump(qemu.getInputStream(), clock), "bench-io-qemu-stdout");
            reader.setDaemon(true);
            reader.start();
            if (!clock.awaitFinished(timeout.toNanos())) {
                throw new IllegalStateException(subject + " did not finish within " + timeout.toSeconds()
                        + " s; last lines:\n  " + clock.tail());
            }
            if (!qemu.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(subject + " did not end within 30 s of the guest's reboot");
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            return clock;
        } finally {
            qemu.destroyForcibly();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void pump(InputStream in, MarkerClock clock) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    clock.accept(buf[i] & 0xff);
                }
            }
        } catch (IOException e) {
            // QEMU ended: the clock has what arrived.
        }
    }
}
