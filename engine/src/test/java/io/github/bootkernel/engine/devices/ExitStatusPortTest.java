package io.github.bootkernel.engine.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitStatusPortTest {

    private final List<Integer> statuses = new ArrayList<>();
    private final ExitStatusPort port = new ExitStatusPort(statuses::add);

    @Test
    void passesTheByteThrough() {
        port.write(0, 0);
        port.write(0, 7);
        port.write(0, 255);
        assertThat(statuses).containsExactly(0, 7, 255);
    }

    @Test
    void keepsOnlyTheLowByte() {
        port.write(0, 0x1ff);
        port.write(0, -1);
        assertThat(statuses).containsExactly(0xff, 0xff);
    }

    @Test
    void readsReturnZeroAndReportNothing() {
        assertThat(port.read(0)).isZero();
        assertThat(statuses).isEmpty();
    }

    @Test
    void wideWriteThroughTheBusReportsEachByteThatLandsOnThePort() {
        PortBus bus = new PortBus(line -> { }).place(0xf4, 1, port);
        bus.write(0xf4, 1, 42);
        bus.write(0xf4, 2, 0x0103); // low byte to 0xf4, high byte to the empty 0xf5
        assertThat(statuses).containsExactly(42, 3);
    }
}
