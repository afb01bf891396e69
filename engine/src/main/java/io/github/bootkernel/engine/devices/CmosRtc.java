package io.github.bootkernel.engine.devices;

import java.time.Clock;
import java.time.ZonedDateTime;

/**
 * A read-only MC146818 CMOS clock: the index register at offset 0, data at offset 1. It reports
 * the host's time (UTC, BCD, 24-hour) and never sets the update-in-progress flag, so the kernel
 * reads the time once instead of waiting for an update cycle.
 */
public final class CmosRtc implements PortDevice {

    private static final int REG_A = 0x0a;
    private static final int REG_B = 0x0b;
    private static final int REG_D = 0x0d;
    /** Register A: 32.768 kHz time base, 1024 Hz rate, UIP clear. */
    private static final int REG_A_VALUE = 0x26;
    /** Register B: 24-hour mode, BCD, no interrupts. */
    private static final int REG_B_VALUE = 0x02;
    /** Register D: valid RAM and time. */
    private static final int REG_D_VALUE = 0x80;

    private final Clock clock;
    private int index;

    /** A clock that reads the host's time in UTC. */
    public CmosRtc() {
        this(Clock.systemUTC());
    }

    /** @param clock where the time comes from */
    public CmosRtc(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized int read(int offset) {
        if (offset == 0) {
            return index;
        }
        ZonedDateTime now = ZonedDateTime.now(clock);
        return switch (index) {
            case 0x00 -> bcd(now.getSecond());
            case 0x02 -> bcd(now.getMinute());
            case 0x04 -> bcd(now.getHour());
            case 0x06 -> bcd(now.getDayOfWeek().getValue() % 7 + 1);
            case 0x07 -> bcd(now.getDayOfMonth());
            case 0x08 -> bcd(now.getMonthValue());
            case 0x09 -> bcd(now.getYear() % 100);
            case 0x32 -> bcd(now.getYear() / 100);
            case REG_A -> REG_A_VALUE;
            case REG_B -> REG_B_VALUE;
            case REG_D -> REG_D_VALUE;
            default -> 0;
        };
    }

    @Override
    public synchronized void write(int offset, int value) {
        if (offset == 0) {
            index = value & 0x7f; // bit 7 is the NMI mask, not part of the index
        }
        // Writes to the clock's registers are ignored: the guest cannot set the host's time.
    }

    /** @return the index register (0 to 0x7f): the clock's only state, for a snapshot */
    public synchronized int index() {
        return index;
    }

    /**
     * Restores the index register from a snapshot.
     *
     * @param value 0 to 0x7f
     * @throws IllegalArgumentException if out of range
     */
    public synchronized void restoreIndex(int value) {
        if (value < 0 || value > 0x7f) {
            throw new IllegalArgumentException("CMOS index 0x" + Integer.toHexString(value) + " out of range");
        }
        index = value;
    }

    static int bcd(int value) {
        return ((value / 10) << 4) | (value % 10);
    }
}
