package io.github.bootkernel.engine;

import io.github.bootkernel.engine.boot.AcpiTables;
import io.github.bootkernel.engine.boot.IsaDevice;
import io.github.bootkernel.engine.devices.AcpiSleepRegisters;
import io.github.bootkernel.engine.devices.CmosRtc;
import io.github.bootkernel.engine.devices.ExitStatusPort;
import io.github.bootkernel.engine.devices.I8042;
import io.github.bootkernel.engine.devices.PortBus;
import io.github.bootkernel.engine.devices.Uart16550;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one place that knows the machine's shape: which port and interrupt each
 * device has. The same facts feed the port bus here and the MP and ACPI tables the guest reads
 * ({@link #ISA_DEVICES}), so the two cannot disagree. The PIC pair (0x20, 0xa0), the PIT
 * (0x40-0x43) and its speaker port (0x61) live in the kernel and never reach the port bus.
 */
final class Platform {

    /** COM1, the console: ttyS0, a 16550A at 0x3f8 on ISA IRQ 4. */
    static final IsaDevice COM1 = new IsaDevice("COM1", "PNP0501", 0, 0x3f8, 8, 4);
    /** COM2, the guest agent's channel: ttyS1, a 16550A at 0x2f8 on ISA IRQ 3. */
    static final IsaDevice COM2 = new IsaDevice("COM2", "PNP0501", 1, 0x2f8, 8, 3);
    /**
     * The ISA devices the DSDT declares, so a hardware-reduced kernel gives them interrupts. The MP
     * table routes every ISA interrupt to the IOAPIC pin of the same number, so it needs no list.
     */
    static final List<IsaDevice> ISA_DEVICES = List.of(COM1, COM2);
    /** The i8042: data at 0x60, status/command at 0x64 (0x61 is the in-kernel speaker port). */
    static final int I8042_BASE = 0x60;
    static final int I8042_SIZE = 5;
    /** The CMOS clock: index 0x70, data 0x71. */
    static final int CMOS_BASE = 0x70;
    static final int CMOS_SIZE = 2;
    /** The ACPI sleep control and status registers, where the FADT says they are. */
    static final int ACPI_SLEEP_BASE = AcpiTables.SLEEP_CONTROL_PORT;
    static final int ACPI_SLEEP_SIZE = AcpiTables.SLEEP_STATUS_PORT - AcpiTables.SLEEP_CONTROL_PORT + 1;

    private Platform() {
    }

    static PortBus wire(Uart16550 com1, Uart16550 com2, I8042 i8042, CmosRtc rtc, ExitStatusPort exit,
                        AcpiSleepRegisters sleep, Consumer<String> log) {
        return new PortBus(log)
                .place(COM1.ioBase(), COM1.ioSize(), com1)
                .place(COM2.ioBase(), COM2.ioSize(), com2)
                .place(I8042_BASE, I8042_SIZE, i8042)
                .place(CMOS_BASE, CMOS_SIZE, rtc)
                .place(GuestExit.STATUS_PORT, 1, exit)
                .place(ACPI_SLEEP_BASE, ACPI_SLEEP_SIZE, sleep);
    }
}
