package io.github.bootkernel.engine.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class I8042Test {

    private final AtomicInteger resets = new AtomicInteger();
    private final I8042 i8042 = new I8042(resets::incrementAndGet);

    @Test
    void pulseResetCommandOnTheCommandPortResets() {
        i8042.write(I8042.COMMAND, 0xfe);
        assertThat(resets).hasValue(1);
        i8042.write(4, 0xfe);
        assertThat(resets).hasValue(2);
    }

    @Test
    void onlyTheLowByteOfTheValueCounts() {
        i8042.write(4, 0x1fe);
        assertThat(resets).hasValue(1);
    }

    @Test
    void nothingElseResets() {
        for (int value = 0; value < 0x100; value++) {
            if (value != 0xfe) {
                i8042.write(4, value);
            }
        }
        for (int offset = 0; offset < 5; offset++) {
            if (offset != 4) {
                i8042.write(offset, 0xfe);
            }
        }
        assertThat(resets).hasValue(0);
    }

    @Test
    void statusAndDataReadEmpty() {
        for (int offset = 0; offset < 5; offset++) {
            assertThat(i8042.read(offset)).as("offset %d", offset).isZero();
        }
        assertThat(i8042.read(4) & 0x03).as("output and input buffers empty").isZero();
        assertThat(resets).hasValue(0);
    }

    @Test
    void constants() {
        assertThat(I8042.DATA).isZero();
        assertThat(I8042.COMMAND).isEqualTo(4);
        assertThat(I8042.CMD_RESET).isEqualTo(0xfe);
    }

    @Test
    void throughTheBusAtThePcPorts() {
        PortBus bus = new PortBus(line -> { }).place(0x60, 5, i8042);
        bus.write(0x60, 1, 0xfe);
        assertThat(resets).hasValue(0);
        assertThat(bus.read(0x64, 1)).isZero();
        bus.write(0x64, 1, 0xfe);
        assertThat(resets).hasValue(1);
    }
}
