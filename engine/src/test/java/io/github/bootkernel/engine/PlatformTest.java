package io.github.bootkernel.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.boot.AcpiTables;
import io.github.bootkernel.engine.boot.IsaDevice;
import io.github.bootkernel.engine.boot.MpTable;
import io.github.bootkernel.engine.devices.AcpiSleepRegisters;
import io.github.bootkernel.engine.devices.CmosRtc;
import io.github.bootkernel.engine.devices.ExitStatusPort;
import io.github.bootkernel.engine.devices.I8042;
import io.github.bootkernel.engine.devices.PortBus;
import io.github.bootkernel.engine.devices.Uart16550;
import io.github.bootkernel.engine.serial.SerialChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The machine's shape: the tables the guest reads and the bus the devices sit on tell the same story. */
class PlatformTest {

    private static final int SCR = 7;
    /** A machine with several vCPUs: the ISA entries follow one processor entry per CPU. */
    private static final int CPUS = 4;

    @Test
    void twoSerialPortsAtTheirLegacyPlaces() {
        assertThat(Platform.ISA_DEVICES).containsExactly(Platform.COM1, Platform.COM2);
        assertThat(Platform.COM1).isEqualTo(new IsaDevice("COM1", "PNP0501", 0, 0x3f8, 8, 4));
        assertThat(Platform.COM2).isEqualTo(new IsaDevice("COM2", "PNP0501", 1, 0x2f8, 8, 3));
    }

    @Test
    void theDsdtDeclaresBothPortsWithTheirPortsAndInterrupts() {
        String tables = latin1(AcpiTables.build(CPUS, Platform.ISA_DEVICES));

        // Name(_UID, Zero / One), IO(Decode16, base, base, 1, 8), IRQNoFlags() { irq }
        assertThat(tables).containsSubsequence("COM1", latin1(0x08, '_', 'U', 'I', 'D', 0x00),
                latin1(0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08), latin1(0x22, 1 << 4, 0x00));
        assertThat(tables).containsSubsequence("COM2", latin1(0x08, '_', 'U', 'I', 'D', 0x01),
                latin1(0x47, 0x01, 0xf8, 0x02, 0xf8, 0x02, 0x01, 0x08), latin1(0x22, 1 << 3, 0x00));
    }

    @Test
    void theMpTableRoutesBothInterruptsToTheirIoapicPins() {
        byte[] t = MpTable.build(CPUS);
        int firstIsaIrq = 16 + 44 + 20 * CPUS + 8 + 8; // header, CPUs, bus, IOAPIC
        for (int irq : new int[] {Platform.COM1.irq(), Platform.COM2.irq()}) {
            int entry = firstIsaIrq + irq * 8;
            assertThat(t[entry]).as("I/O interrupt entry for IRQ %d", irq).isEqualTo((byte) 3);
            assertThat(t[entry + 5]).as("source bus IRQ").isEqualTo((byte) irq);
            assertThat(t[entry + 7]).as("IOAPIC pin").isEqualTo((byte) irq);
        }
    }

    @Test
    void theBusPlacesBothPorts() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Uart16550 com1 = new Uart16550(level -> { }, console::write);
        SerialChannel com2 = new SerialChannel("ttyS1", level -> { });
        PortBus bus = Platform.wire(com1, com2.uart(), new I8042(() -> { }), new CmosRtc(), new ExitStatusPort(s -> { }),
                new AcpiSleepRegisters(0, () -> { }), msg -> { });

        bus.write(Platform.COM1.ioBase() + SCR, 1, 0x11);
        bus.write(Platform.COM2.ioBase() + SCR, 1, 0x22);
        bus.write(Platform.COM1.ioBase(), 1, 'a');
        bus.write(Platform.COM2.ioBase(), 1, 'b');

        assertThat(com1.read(SCR)).isEqualTo(0x11);
        assertThat(com2.uart().read(SCR)).isEqualTo(0x22);
        assertThat(console.toString(StandardCharsets.US_ASCII)).isEqualTo("a");
        assertThat(com2.fromGuest().read()).isEqualTo('b');
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String latin1(int... bytes) {
        StringBuilder s = new StringBuilder();
        for (int b : bytes) {
            s.append((char) b);
        }
        return s.toString();
    }
}
