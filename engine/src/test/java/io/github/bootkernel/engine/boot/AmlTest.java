package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AmlTest {

    @Test
    void eisaIdMatchesIasl() {
        // iasl compiles EisaId("PNP0501") to the dword 0x0105D041
        assertThat(Aml.eisaId("PNP0501")).containsExactly(0x0c, 0x41, 0xd0, 0x05, 0x01);
    }

    @Test
    void pkgLengthCountsItself() {
        assertThat(Aml.pkgLength(10)).containsExactly(11);
        assertThat(Aml.pkgLength(62)).containsExactly(63);
        // 63 bytes of body: 65 in total with a two-byte PkgLength, 0x41 = 0b0100_0001 then 0x04
        assertThat(Aml.pkgLength(63)).containsExactly(0x41, 0x04);
    }

    @Test
    void integersUseTheShortestEncoding() {
        assertThat(Aml.integer(0)).containsExactly(0x00);
        assertThat(Aml.integer(1)).containsExactly(0x01);
        assertThat(Aml.integer(0x0d)).containsExactly(0x0a, 0x0d);
        assertThat(Aml.integer(0x12345678)).containsExactly(0x0c, 0x78, 0x56, 0x34, 0x12);
    }

    @Test
    void packagesCountTheirElements() {
        assertThat(Aml.pkg(Aml.integer(5), Aml.integer(0))).containsExactly(0x12, 0x05, 0x02, 0x0a, 0x05, 0x00);
        assertThat(Aml.pkg()).containsExactly(0x12, 0x02, 0x00);
    }

    @Test
    void com1DeclarationMatchesHandAssembledAml() {
        // Scope(\_SB) { Device(COM1) { Name(_HID, EisaId("PNP0501")) Name(_UID, Zero)
        //   Name(_CRS, ResourceTemplate() { IO(Decode16, 0x3F8, 0x3F8, 1, 8) IRQNoFlags() {4} }) } }
        byte[] expected = {
            0x10, 0x33, 0x5c, '_', 'S', 'B', '_',
            0x5b, (byte) 0x82, 0x2b, 'C', 'O', 'M', '1',
            0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, (byte) 0xd0, 0x05, 0x01,
            0x08, '_', 'U', 'I', 'D', 0x00,
            0x08, '_', 'C', 'R', 'S', 0x11, 0x10, 0x0a, 0x0d,
            0x47, 0x01, (byte) 0xf8, 0x03, (byte) 0xf8, 0x03, 0x01, 0x08,
            0x22, 0x10, 0x00,
            0x79, 0x00};
        assertThat(AcpiTables.dsdtBody(AcpiTablesTest.COM1))
                .containsExactly(expected);
    }
}
