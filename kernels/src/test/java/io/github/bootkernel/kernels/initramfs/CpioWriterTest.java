package io.github.bootkernel.kernels.initramfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpioWriterTest {

    @Test
    void headerFieldsAreWhatPercent08XMakesOfThem() {
        for (long field : new long[] {0, 1, 0xA, 0x7F, 0x1234ABCD, 0xFFFFFFFFL, 0x1_0000_0000L, Long.MAX_VALUE, -1}) {
            StringBuilder out = new StringBuilder("x");

            CpioWriter.appendHex(out, field);

            assertThat(out.toString()).as("field %d", field).isEqualTo("x" + String.format("%08X", field));
        }
    }
}
