package io.github.bootkernel.engine.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AcpiSleepRegistersTest {

    private final AtomicInteger softOffs = new AtomicInteger();
    private final AcpiSleepRegisters registers = new AcpiSleepRegisters(5, softOffs::incrementAndGet);

    @Test
    void slpEnWithTheSoftOffTypeIsTheSoftOff() {
        // What Linux's acpi_hw_extended_sleep() writes for S5: first WAK_STS to the status
        // register, then (5 << 2) | SLP_EN to the control register.
        registers.write(AcpiSleepRegisters.STATUS, 0x80);
        assertThat(softOffs).hasValue(0);
        registers.write(AcpiSleepRegisters.CONTROL, 0x34);
        assertThat(softOffs).hasValue(1);
    }

    @Test
    void otherWritesAreIgnored() {
        registers.write(AcpiSleepRegisters.CONTROL, 5 << 2);          // the type without SLP_EN
        registers.write(AcpiSleepRegisters.CONTROL, 3 << 2 | 0x20);   // S3's type: not offered
        registers.write(AcpiSleepRegisters.CONTROL, 0x20);            // type 0
        registers.write(AcpiSleepRegisters.STATUS, 0x34);             // the status register
        assertThat(softOffs).hasValue(0);
        registers.write(AcpiSleepRegisters.CONTROL, 0x34 | 0xc3);     // reserved bits set too
        assertThat(softOffs).hasValue(1);
    }

    @Test
    void bothReadZeroSoWakeStatusNeverSets() {
        assertThat(registers.read(AcpiSleepRegisters.CONTROL)).isZero();
        assertThat(registers.read(AcpiSleepRegisters.STATUS)).isZero();
    }

    @Test
    void aSleepTypeHasThreeBits() {
        assertThatThrownBy(() -> new AcpiSleepRegisters(8, () -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
