package io.github.bootkernel.engine.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortBusTest {

    /** Records every access; reads return {@code 0x10 + offset}. */
    private static final class Recorder implements PortDevice {
        final List<String> accesses = new ArrayList<>();

        @Override
        public int read(int offset) {
            accesses.add("r" + offset);
            return 0x10 + offset;
        }

        @Override
        public void write(int offset, int value) {
            accesses.add("w" + offset + "=" + Integer.toHexString(value));
        }
    }

    private final List<String> log = new ArrayList<>();
    private final PortBus bus = new PortBus(log::add);

    @Test
    void devicesSeeOffsetsRelativeToTheirBase() {
        Recorder com1 = new Recorder();
        Recorder cmos = new Recorder();
        bus.place(0x3f8, 8, com1).place(0x70, 2, cmos);

        assertThat(bus.read(0x3f8, 1)).isEqualTo(0x10);
        assertThat(bus.read(0x3fd, 1)).isEqualTo(0x15);
        bus.write(0x3ff, 1, 0xab);
        bus.write(0x71, 1, 0x01);

        assertThat(com1.accesses).containsExactly("r0", "r5", "w7=ab");
        assertThat(cmos.accesses).containsExactly("w1=1");
        assertThat(log).isEmpty();
    }

    @Test
    void overlappingPlacementIsRejected() {
        bus.place(0x60, 5, new Recorder());
        assertThatThrownBy(() -> bus.place(0x64, 1, new Recorder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port 0x64 already taken");
        assertThatThrownBy(() -> bus.place(0x5c, 8, new Recorder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x60");
    }

    @Test
    void rejectedPlacementLeavesTheBusUnchanged() {
        Recorder first = new Recorder();
        bus.place(0x62, 1, first);
        assertThatThrownBy(() -> bus.place(0x60, 4, new Recorder())).isInstanceOf(IllegalArgumentException.class);
        // Ports 0x60 and 0x61, before the conflict, were not taken by the rejected device.
        assertThat(bus.read(0x60, 1)).isEqualTo(0xff);
        bus.place(0x60, 2, new Recorder());
        assertThat(bus.read(0x62, 1)).isEqualTo(0x10);
        assertThat(first.accesses).containsExactly("r0");
    }

    @Test
    void adjacentPlacementIsFine() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        bus.place(0x70, 2, a).place(0x72, 2, b).place(0xffff, 1, new Recorder()).place(0, 1, new Recorder());
        assertThat(bus.read(0x72, 1)).isEqualTo(0x10);
        assertThat(b.accesses).containsExactly("r0");
    }

    @Test
    void placementOutsideThePortSpaceIsRejected() {
        assertThatThrownBy(() -> bus.place(-1, 2, new Recorder())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.place(0x10, 0, new Recorder())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.place(0xffff, 2, new Recorder())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid");
        assertThatThrownBy(() -> bus.place(0x10000, 1, new Recorder())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hugeSizeDoesNotOverflowPastTheCheck() {
        assertThatThrownBy(() -> bus.place(1, Integer.MAX_VALUE, new Recorder()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void multiByteReadIsSplitLittleEndian() {
        Recorder d = new Recorder();
        bus.place(0x100, 4, d);
        assertThat(bus.read(0x100, 2)).isEqualTo(0x1110);
        assertThat(bus.read(0x100, 4)).isEqualTo(0x13121110);
        assertThat(d.accesses).containsExactly("r0", "r1", "r0", "r1", "r2", "r3");
    }

    @Test
    void multiByteWriteIsSplitLittleEndian() {
        Recorder d = new Recorder();
        bus.place(0x100, 4, d);
        bus.write(0x100, 2, 0xbeef);
        bus.write(0x100, 4, 0xcafef00d);
        assertThat(d.accesses).containsExactly("w0=ef", "w1=be", "w0=d", "w1=f0", "w2=fe", "w3=ca");
    }

    @Test
    void deviceBitsAboveTheLowByteAreDropped() {
        bus.place(0x200, 2, new PortDevice() {
            @Override
            public int read(int offset) {
                return 0x1234;
            }

            @Override
            public void write(int offset, int value) {
            }
        });
        assertThat(bus.read(0x200, 1)).isEqualTo(0x34);
        assertThat(bus.read(0x200, 2)).isEqualTo(0x3434);
    }

    @Test
    void unknownPortReadsAllOnes() {
        assertThat(bus.read(0x80, 1)).isEqualTo(0xff);
        assertThat(bus.read(0x80, 2)).isEqualTo(0xffff);
        assertThat(bus.read(0x80, 4)).isEqualTo(0xffffffff);
    }

    @Test
    void accessStraddlingADeviceAndAnEmptyPortMixesBoth() {
        Recorder d = new Recorder();
        bus.place(0xf4, 1, d);
        assertThat(bus.read(0xf4, 2)).isEqualTo(0xff10);
        bus.write(0xf3, 4, 0x44332211);
        assertThat(d.accesses).containsExactly("r0", "w0=22");
    }

    @Test
    void unknownPortIsLoggedOncePerPort() {
        bus.read(0x80, 1);
        bus.read(0x80, 1);
        bus.write(0x80, 1, 0);
        bus.write(0x87, 1, 0);
        bus.write(0x87, 1, 0);
        bus.read(0x87, 1);

        assertThat(log).containsExactly(
                "unhandled port I/O: read from 0x0080 (reported once per port)",
                "unhandled port I/O: write to 0x0087 (reported once per port)");
    }

    @Test
    void unknownMultiBytePortsAreLoggedPerByte() {
        bus.read(0x2f8, 2);
        assertThat(log).hasSize(2).anyMatch(l -> l.contains("0x02f8")).anyMatch(l -> l.contains("0x02f9"));
    }

    @Test
    void unknownWriteIsIgnored() {
        Recorder d = new Recorder();
        bus.place(0x81, 1, d);
        bus.write(0x80, 1, 0x55);
        assertThat(d.accesses).isEmpty();
    }

    @Test
    void accessesWrapAtTheTopOfThePortSpace() {
        Recorder low = new Recorder();
        Recorder top = new Recorder();
        bus.place(0, 1, low).place(0xffff, 1, top);
        assertThat(bus.read(0xffff, 2)).isEqualTo(0x1010);
        assertThat(top.accesses).containsExactly("r0");
        assertThat(low.accesses).containsExactly("r0");
    }

    @Test
    void stringOutRepeatsTheAccessAtTheSamePort() {
        Recorder com1 = new Recorder();
        bus.place(0x3f8, 8, com1);
        bus.out(0x3f8, 1, 3, new byte[] {'a', 'b', 'c'});
        assertThat(com1.accesses).containsExactly("w0=61", "w0=62", "w0=63");
    }

    @Test
    void wordStringIoSplitsEachAccessLittleEndian() {
        Recorder d = new Recorder();
        bus.place(0x100, 4, d);
        bus.out(0x100, 2, 2, new byte[] {1, 2, 3, 4});
        byte[] in = new byte[8];
        bus.in(0x100, 4, 2, in);
        assertThat(d.accesses).containsExactly("w0=1", "w1=2", "w0=3", "w1=4",
                "r0", "r1", "r2", "r3", "r0", "r1", "r2", "r3");
        assertThat(in).containsExactly(0x10, 0x11, 0x12, 0x13, 0x10, 0x11, 0x12, 0x13);
    }

    @Test
    void stringInFromAnUnknownPortReadsAllOnesAndIsLoggedOnce() {
        byte[] in = new byte[3];
        bus.in(0x80, 1, 3, in);
        assertThat(in).containsOnly(0xff);
        assertThat(log).containsExactly("unhandled port I/O: read from 0x0080 (reported once per port)");
    }

    @Test
    void stringIoWithACountOfZeroTouchesNothing() {
        Recorder d = new Recorder();
        bus.place(0x100, 1, d);
        bus.out(0x100, 1, 0, new byte[0]);
        bus.in(0x100, 4, 0, new byte[0]);
        assertThat(d.accesses).isEmpty();
    }

    @Test
    void anArrayThatIsNotSizeTimesCountIsRejected() {
        assertThatThrownBy(() -> bus.out(0x80, 2, 3, new byte[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port I/O of 3 x 2 bytes needs an array of that many bytes, got 5");
        assertThatThrownBy(() -> bus.in(0x80, 1, 1, new byte[2])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.in(0x80, 1, -1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThat(log).isEmpty();
    }
}
