package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.kvm.Capability;
import io.github.bootkernel.engine.kvm.Kvm;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * THR writes through KVM's coalesced port I/O ring on a real machine (hand-assembled guests, any
 * KVM): every byte arrives, in order, before the exit that follows it, and bytes written just
 * before the vCPU halts arrive although the vCPU never exits again.
 */
@Timeout(120)
class MachineCoalescedPioTest {

    private static final Duration LONG = Duration.ofSeconds(60);
    private static final int BYTES = 10_000;

    @TempDir
    Path dir;

    /** Whether this host's KVM records port writes in the ring; when it does, the tests demand it was used. */
    private static boolean hostCoalesces() {
        try (Kvm kvm = Kvm.open(Path.of("/dev/kvm"))) {
            return kvm.checkExtension(Capability.COALESCED_PIO) > 0 && kvm.checkExtension(Capability.COALESCED_MMIO) > 0;
        }
    }

    /**
     * Writes {@code count} bytes to COM1's THR without ever reading LSR, byte {@code i} being
     * {@code 0x20 + (i & 0x3f)}, then runs {@code then}.
     */
    private static byte[] blindWriter(int count, byte[] then) {
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        c.writeBytes(TinyGuests.DX_COM1);
        c.write(0xb9); // mov ecx, count
        c.writeBytes(new byte[] {(byte) count, (byte) (count >> 8), (byte) (count >> 16), (byte) (count >> 24)});
        c.writeBytes(new byte[] {0x31, (byte) 0xdb}); // xor ebx, ebx
        // loop: mov eax, ebx; and al, 0x3f; add al, 0x20; out dx, al; inc ebx; dec ecx; jnz loop
        c.writeBytes(new byte[] {(byte) 0x89, (byte) 0xd8, 0x24, 0x3f, 0x04, 0x20, TinyGuests.OUT_DX_AL, 0x43, 0x49,
            0x75, (byte) -11});
        c.writeBytes(then);
        return c.toByteArray();
    }

    private static byte[] expected(int count, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            out.write(0x20 + (i & 0x3f));
        }
        out.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private Machine start(byte[] code, ByteArrayOutputStream raw) throws Exception {
        return Machine.start(MachineConfig.builder(TinyGuests.write(dir, "guest", code)).memoryMiB(32)
                .timeout(LONG).build(), b -> {
                    synchronized (raw) {
                        raw.write(b);
                    }
                });
    }

    @Test
    void tenThousandThrWritesArriveInOrderBeforeTheExitThatFollowsThem() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String tail = "\r\nwritten\r\n";
        long coalesced;
        GuestExit exit;
        try (Machine m = start(blindWriter(BYTES, TinyGuests.printThenExit(tail, 7)), raw)) {
            exit = m.awaitExit(LONG).orElseThrow();
            coalesced = m.coalescedWrites();
            System.out.printf("%d bytes: %d VM exits, %d writes through the ring%n", BYTES + tail.length(),
                    m.exitCount(), coalesced);
        }
        assertThat(exit.kind()).isEqualTo(GuestExit.Kind.EXIT_STATUS);
        synchronized (raw) {
            assertThat(raw.toByteArray()).isEqualTo(expected(BYTES, tail));
        }
        if (hostCoalesces()) {
            assertThat(coalesced).as("writes that came through the ring").isGreaterThan(BYTES / 2);
        } else {
            assertThat(coalesced).isZero();
        }
    }

    @Test
    void bytesWrittenRightBeforeAHaltForGoodArriveBeforeThePowerOff() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        String tail = "\r\n[    1.5] reboot: System halted\r\n";
        try (Machine m = start(blindWriter(BYTES, TinyGuests.printThen(tail, TinyGuests.haltForGood())), raw)) {
            GuestExit exit = m.awaitExit(LONG).orElseThrow(() -> new AssertionError("no end; console "
                    + m.console().lines()));
            assertThat(exit.kind()).isEqualTo(GuestExit.Kind.POWEROFF);
            assertThat(m.console().lines()).endsWith("[    1.5] reboot: System halted");
        }
        synchronized (raw) {
            assertThat(raw.toByteArray()).isEqualTo(expected(BYTES, tail));
        }
    }

    @Test
    void bytesWrittenBeforeAnIdleHaltArriveWithoutAnotherExit() throws Exception {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (Machine m = start(TinyGuests.printThen("idle now\r\n", TinyGuests.idle()), raw)) {
            assertThat(m.console().awaitLine(java.util.regex.Pattern.compile("idle now"), Duration.ofSeconds(10)))
                    .as("the line before an idle halt, with the vCPU inside KVM_RUN for good").isPresent();
            assertThat(m.exit()).isEmpty();
        }
    }
}
