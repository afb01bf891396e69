package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bootkernel.engine.memory.GuestMemory.Region;
import org.junit.jupiter.api.Test;

class LayoutTest {

    private static final long MIB = 1 << 20;

    @Test
    void ramBelowTheHoleIsOneRegion() {
        assertThat(Layout.ram(256 * MIB)).containsExactly(new Region(0, 256 * MIB, 0));
        assertThat(Layout.ram(Layout.MMIO_HOLE_START)).containsExactly(new Region(0, Layout.MMIO_HOLE_START, 0));
    }

    @Test
    void ramPastTheHoleContinuesAt4GiB() {
        assertThat(Layout.ram(4096 * MIB)).containsExactly(new Region(0, 3072 * MIB, 0),
                new Region(Layout.HIGH_RAM_START, 1024 * MIB, 3072 * MIB));
    }

    @Test
    void theHoleHoldsTheApicsAndTheRealModePages() {
        for (long address : new long[] {Layout.IOAPIC, Layout.LAPIC, Layout.TSS_ADDRESS, Layout.IDENTITY_MAP_ADDRESS}) {
            assertThat(address).isBetween(Layout.MMIO_HOLE_START, Layout.HIGH_RAM_START - 1);
        }
        assertThat(Layout.ACPI_TABLES + Layout.ACPI_TABLES_MAX).isLessThanOrEqualTo(Layout.HIGH_MEMORY);
    }

    @Test
    void refusesSizesThatAreNotWholePages() {
        assertThatThrownBy(() -> Layout.ram(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Layout.ram(MIB + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(MIB + 1));
    }
}
