package io.github.bootkernel.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsaDeviceTest {

    @Test
    void rejectsWhatAcpiCannotDeclare() {
        assertThatThrownBy(() -> new IsaDevice("COM", "PNP0501", 0, 0x3f8, 8, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'COM'");
        assertThatThrownBy(() -> new IsaDevice("COM1", "pnp0501", 0, 0x3f8, 8, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pnp0501'");
        assertThatThrownBy(() -> new IsaDevice("COM1", "PNP0501", 0, 0xfffc, 8, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ports 0xfffc+8");
        assertThatThrownBy(() -> new IsaDevice("COM1", "PNP0501", 0, 0x3f8, 8, 16))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("irq 16");
    }

    @Test
    void everyDeviceGetsItsOwnDeclarationWithItsPortsAndInterrupt() {
        IsaDevice com2 = new IsaDevice("COM2", "PNP0501", 1, 0x2f8, 8, 3);
        String dsdt = latin1(AcpiTables.dsdtBody(List.of(AcpiTablesTest.COM1.get(0), com2)));
        assertThat(dsdt).contains(latin1(declaration("COM1", 0, 0x3f8, 4)), latin1(declaration("COM2", 1, 0x2f8, 3)));
    }

    private static byte[] declaration(String name, int uid, int port, int irq) {
        return Aml.device(name, Aml.name("_HID", Aml.eisaId("PNP0501")), Aml.name("_UID", Aml.integer(uid)),
                Aml.name("_CRS", Aml.resourceTemplate(Aml.io(port, 8), Aml.irq(irq))));
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
