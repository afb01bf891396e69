package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MpTableTest {

    private static int sum(byte[] b, int from, int len) {
        int s = 0;
        for (int i = from; i < from + len; i++) {
            s += b[i] & 0xff;
        }
        return s & 0xff;
    }

    @Test
    void floatingPointerIsValidAndPointsAtTheTable() {
        byte[] t = MpTable.build(1);
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(t, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("_MP_");
        assertThat(b.getInt(4)).isEqualTo((int) Layout.MP_TABLE + 16);
        assertThat(t[8]).isEqualTo((byte) 1);
        assertThat(t[9]).isEqualTo((byte) 4);
        assertThat(sum(t, 0, 16)).isZero();
        assertThat(t[11]).as("feature byte 1: a configuration table follows").isZero();
    }

    @Test
    void configurationTableChecksumsAndCountsEntries() {
        byte[] t = MpTable.build(2);
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(t, 16, 4, StandardCharsets.US_ASCII)).isEqualTo("PCMP");
        int length = b.getShort(16 + 4);
        assertThat(16 + length).isEqualTo(t.length);
        assertThat(sum(t, 16, length)).isZero();
        int entries = b.getShort(16 + 34);
        assertThat(entries).isEqualTo(2 + 1 + 1 + 16 + 2);
        assertThat(b.getInt(16 + 36)).isEqualTo((int) Layout.LAPIC);
        // first processor entry: type 0, APIC id 0, enabled and bootstrap
        assertThat(t[60]).isZero();
        assertThat(t[61]).isZero();
        assertThat(t[63]).isEqualTo((byte) 3);
        // second processor: APIC id 1, enabled only
        assertThat(t[81]).isEqualTo((byte) 1);
        assertThat(t[83]).isEqualTo((byte) 1);
        // bus, then IOAPIC with id = cpu count at 0xfec00000
        assertThat(new String(t, 102, 6, StandardCharsets.US_ASCII)).isEqualTo("ISA   ");
        assertThat(t[108]).isEqualTo((byte) 2);
        assertThat(t[109]).isEqualTo((byte) 2);
        assertThat(b.getInt(112)).isEqualTo((int) Layout.IOAPIC);
        // ISA IRQ 4 (the console) routes to IOAPIC pin 4
        int irq4 = 116 + 4 * 8;
        assertThat(t[irq4]).isEqualTo((byte) 3);
        assertThat(t[irq4 + 5]).isEqualTo((byte) 4);
        assertThat(t[irq4 + 7]).isEqualTo((byte) 4);
        // LINT0 ExtINT, LINT1 NMI to all
        int lint = 116 + 16 * 8;
        assertThat(t[lint]).isEqualTo((byte) 4);
        assertThat(t[lint + 1]).isEqualTo((byte) 3);
        assertThat(t[lint + 8 + 1]).isEqualTo((byte) 1);
        assertThat(t[lint + 8 + 6]).isEqualTo((byte) 0xff);
        assertThat(t[lint + 8 + 7]).isEqualTo((byte) 1);
    }

    @ParameterizedTest(name = "{0} CPUs")
    @ValueSource(ints = {1, 2, 4, 64})
    void listsEveryCpuOnceWithTheBootProcessorFirst(int cpus) {
        byte[] t = MpTable.build(cpus);
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(sum(t, 0, 16)).as("floating pointer checksum").isZero();
        int length = b.getShort(16 + 4) & 0xffff;
        assertThat(16 + length).isEqualTo(t.length);
        assertThat(sum(t, 16, length)).as("configuration table checksum").isZero();
        assertThat(b.getShort(16 + 34)).as("entry count").isEqualTo((short) (cpus + 1 + 1 + 16 + 2));
        int o = 16 + 44;
        for (int cpu = 0; cpu < cpus; cpu++, o += 20) {
            assertThat(t[o]).as("CPU %d: processor entry", cpu).isZero();
            assertThat(t[o + 1] & 0xff).as("CPU %d: local APIC id", cpu).isEqualTo(cpu);
            assertThat(t[o + 3] & 1).as("CPU %d: enabled", cpu).isEqualTo(1);
            assertThat(t[o + 3] & 2).as("CPU %d: bootstrap processor", cpu).isEqualTo(cpu == 0 ? 2 : 0);
        }
        assertThat(t[o]).as("the bus follows the processors").isEqualTo((byte) 1);
        o += 8;
        assertThat(t[o]).as("then the IOAPIC").isEqualTo((byte) 2);
        assertThat(t[o + 1] & 0xff).as("IOAPIC id: after the CPUs' APIC ids").isEqualTo(cpus);
        assertThat(t[o + 3] & 1).as("IOAPIC usable").isEqualTo(1);
        o += 8;
        for (int irq = 0; irq < 16; irq++, o += 8) {
            assertThat(t[o + 6] & 0xff).as("IRQ %d goes to the IOAPIC", irq).isEqualTo(cpus);
        }
    }

    @ParameterizedTest(name = "{0} CPUs")
    @ValueSource(ints = {1, 2, 4, 64})
    void fitsInItsReservedArea(int cpus) {
        int size = MpTable.build(cpus).length;
        assertThat(size).isEqualTo(16 + 44 + 20 * cpus + 8 * 20);
        // Linux finds the floating pointer by scanning the last KiB below 640 KiB (the EBDA) or the
        // BIOS area 0xf0000-0xfffff (smp_scan_config); the whole table must sit in a region the e820
        // map reserves and that nothing else uses.
        long start = Layout.MP_TABLE;
        long end = start + size;
        boolean inEbda = start >= Layout.EBDA_START && end <= 0xa0000;
        boolean inBiosArea = start >= Layout.BIOS_START && end <= Layout.HIGH_MEMORY;
        assertThat(inEbda || inBiosArea).as("[%#x, %#x) in the EBDA or the BIOS area", start, end).isTrue();
        assertThat(start % 16).as("the scan looks at 16-byte boundaries").isZero();
        boolean clearOfAcpi = end <= Layout.ACPI_TABLES || start >= Layout.ACPI_TABLES + Layout.ACPI_TABLES_MAX;
        assertThat(clearOfAcpi).as("clear of the ACPI tables").isTrue();
    }

    @Test
    void rejectsImpossibleCpuCounts() {
        assertThatThrownBy(() -> MpTable.build(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MpTable.build(255)).isInstanceOf(IllegalArgumentException.class);
    }
}
