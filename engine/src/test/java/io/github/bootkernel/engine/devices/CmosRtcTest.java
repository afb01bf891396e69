package io.github.bootkernel.engine.devices;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CmosRtcTest {

    /** Thursday, 29 February 2024, 23:59:58 UTC. */
    private static final Clock LEAP_NIGHT = Clock.fixed(Instant.parse("2024-02-29T23:59:58Z"), ZoneOffset.UTC);

    private final CmosRtc rtc = new CmosRtc(LEAP_NIGHT);

    private int register(int index) {
        rtc.write(0, index);
        return rtc.read(1);
    }

    @Test
    void timeAndDateInBcd() {
        assertThat(register(0x00)).as("seconds").isEqualTo(0x58);
        assertThat(register(0x02)).as("minutes").isEqualTo(0x59);
        assertThat(register(0x04)).as("hours, 24-hour").isEqualTo(0x23);
        assertThat(register(0x06)).as("day of week, Sunday = 1").isEqualTo(0x05);
        assertThat(register(0x07)).as("day of month").isEqualTo(0x29);
        assertThat(register(0x08)).as("month").isEqualTo(0x02);
        assertThat(register(0x09)).as("year").isEqualTo(0x24);
        assertThat(register(0x32)).as("century").isEqualTo(0x20);
    }

    @Test
    void sundayIsOneAndSaturdaySeven() {
        CmosRtc sunday = new CmosRtc(Clock.fixed(Instant.parse("2023-01-01T00:00:00Z"), ZoneOffset.UTC));
        sunday.write(0, 0x06);
        assertThat(sunday.read(1)).isEqualTo(1);
        CmosRtc saturday = new CmosRtc(Clock.fixed(Instant.parse("2022-12-31T00:00:00Z"), ZoneOffset.UTC));
        saturday.write(0, 0x06);
        assertThat(saturday.read(1)).isEqualTo(7);
    }

    @Test
    void centuryAndYearAcrossTheMillennium() {
        CmosRtc y1999 = new CmosRtc(Clock.fixed(Instant.parse("1999-12-31T12:00:00Z"), ZoneOffset.UTC));
        y1999.write(0, 0x09);
        assertThat(y1999.read(1)).isEqualTo(0x99);
        y1999.write(0, 0x32);
        assertThat(y1999.read(1)).isEqualTo(0x19);
        CmosRtc y2000 = new CmosRtc(Clock.fixed(Instant.parse("2000-01-01T00:00:00Z"), ZoneOffset.UTC));
        y2000.write(0, 0x09);
        assertThat(y2000.read(1)).isEqualTo(0x00);
    }

    @Test
    void statusRegisters() {
        assertThat(register(0x0a)).as("register A").isEqualTo(0x26);
        assertThat(register(0x0a) & 0x80).as("UIP clear").isZero();
        assertThat(register(0x0b)).as("register B: 24-hour, BCD").isEqualTo(0x02);
        assertThat(register(0x0b) & 0x04).as("DM clear = BCD").isZero();
        assertThat(register(0x0d)).as("register D: valid RAM and time").isEqualTo(0x80);
    }

    @Test
    void uipNeverSetsEvenRightAtASecondBoundary() {
        for (int i = 0; i < 100; i++) {
            assertThat(register(0x0a) & 0x80).isZero();
        }
    }

    @Test
    void indexReadsBackAndDropsTheNmiMaskBit() {
        rtc.write(0, 0x84);
        assertThat(rtc.read(0)).isEqualTo(0x04);
        assertThat(rtc.read(1)).as("hours through an NMI-masked index").isEqualTo(0x23);
    }

    @Test
    void writesToTheDataPortAreIgnored() {
        rtc.write(0, 0x00);
        rtc.write(1, 0x11);
        assertThat(rtc.read(1)).isEqualTo(0x58);
        assertThat(rtc.read(0)).as("index unchanged").isZero();
    }

    @Test
    void otherRegistersReadZero() {
        assertThat(register(0x01)).as("seconds alarm").isZero();
        assertThat(register(0x0c)).as("register C").isZero();
        assertThat(register(0x0e)).as("NVRAM").isZero();
        assertThat(register(0x7f)).isZero();
    }

    @Test
    void clockZoneIsHonoured() {
        CmosRtc tokyo = new CmosRtc(Clock.fixed(Instant.parse("2024-02-29T23:59:58Z"), ZoneOffset.ofHours(9)));
        tokyo.write(0, 0x04);
        assertThat(tokyo.read(1)).isEqualTo(0x08);
        tokyo.write(0, 0x07);
        assertThat(tokyo.read(1)).isEqualTo(0x01);
        tokyo.write(0, 0x08);
        assertThat(tokyo.read(1)).isEqualTo(0x03);
    }

    @Test
    void defaultClockIsUtcAndCurrent() {
        CmosRtc host = new CmosRtc();
        host.write(0, 0x32);
        int century = host.read(1);
        assertThat(century).isEqualTo(CmosRtc.bcd(java.time.Year.now(ZoneOffset.UTC).getValue() / 100));
    }

    @Test
    void bcd() {
        assertThat(CmosRtc.bcd(0)).isEqualTo(0x00);
        assertThat(CmosRtc.bcd(9)).isEqualTo(0x09);
        assertThat(CmosRtc.bcd(10)).isEqualTo(0x10);
        assertThat(CmosRtc.bcd(59)).isEqualTo(0x59);
        assertThat(CmosRtc.bcd(99)).isEqualTo(0x99);
    }
}
