package io.github.bootkernel.engine.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Pins glibc's {@code struct termios} and the flags raw mode touches. The expected numbers were
 * printed by a C program compiled with gcc 12.2 against glibc 2.36 on x86_64 Debian 12
 * ({@code sizeof(struct termios)}, {@code offsetof(struct termios, c_iflag)} and so on, and the
 * {@code <termios.h>} constants, printed in octal as they are written there).
 */
class TermiosTest {

    @Test
    void layoutIsGlibcs() {
        assertThat(Termios.SIZE).isEqualTo(60);
        assertThat(Termios.IFLAG).isZero();
        assertThat(Termios.OFLAG).isEqualTo(4);
        assertThat(Termios.CFLAG).isEqualTo(8);
        assertThat(Termios.LFLAG).isEqualTo(12);
        assertThat(Termios.CC).isEqualTo(17);
        assertThat(Termios.VTIME).isEqualTo(5);
        assertThat(Termios.VMIN).isEqualTo(6);
    }

    @Test
    void flagsAreThoseOfTermiosH() {
        assertThat(new int[] {Termios.IGNBRK, Termios.BRKINT, Termios.PARMRK, Termios.ISTRIP, Termios.INLCR,
                Termios.IGNCR, Termios.ICRNL, Termios.IXON})
                .containsExactly(01, 02, 010, 040, 0100, 0200, 0400, 02000);
        assertThat(Termios.OPOST).isEqualTo(01);
        assertThat(new int[] {Termios.CSIZE, Termios.CS8, Termios.PARENB}).containsExactly(060, 060, 0400);
        assertThat(new int[] {Termios.ISIG, Termios.ICANON, Termios.ECHO, Termios.ECHONL, Termios.IEXTEN})
                .containsExactly(01, 02, 010, 0100, 0100000);
        assertThat(Native.F_GETFD).isEqualTo(1);
        assertThat(Native.TCSANOW).isZero();
    }

    @Test
    void rawModeFromACookedTerminal() {
        // What `stty sane; stty -g` prints on a Linux pty (Debian 12): 2502:5:bf:8a3b:..., that is
        // icrnl ixon imaxbel brkint, opost onlcr, cs8 cread, isig icanon iexten echo echoe echok
        // echoctl echoke; plus IUTF8 (040000), which raw mode leaves alone.
        Termios t = new Termios();
        t.u32(Termios.IFLAG, 0x2502 | 040000);
        t.u32(Termios.OFLAG, 0x5);
        t.u32(Termios.CFLAG, 0xbf);
        t.u32(Termios.LFLAG, 0x8a3b);
        t.u8(Termios.CC + Termios.VMIN, 1);
        t.u8(Termios.CC + Termios.VTIME, 0);
        t.u8(Termios.CC, 3); // VINTR = Ctrl-C, untouched
        t.u32(52, 0xf); // c_ispeed, untouched

        t.makeRaw();

        assertThat(t.iflag() & (Termios.ICRNL | Termios.IXON | Termios.BRKINT)).as("no CR translation, no XON/XOFF")
                .isZero();
        assertThat(t.iflag() & 040000).as("IUTF8 kept").isEqualTo(040000);
        assertThat(t.oflag()).as("output processing kept").isEqualTo(0x5);
        assertThat(t.lflag() & (Termios.ISIG | Termios.ICANON | Termios.ECHO | Termios.IEXTEN)).isZero();
        assertThat(t.cflag() & Termios.CSIZE).isEqualTo(Termios.CS8);
        assertThat(t.cflag() & Termios.PARENB).isZero();
        assertThat(t.cc(Termios.VMIN)).isEqualTo(1);
        assertThat(t.cc(Termios.VTIME)).isZero();
        assertThat(t.cc(0)).isEqualTo(3);
        assertThat(t.u32(52)).isEqualTo(0xf);
    }

    @Test
    void copyIsIndependent() {
        Termios t = new Termios();
        t.u32(Termios.LFLAG, Termios.ECHO);
        Termios copy = t.copy();
        copy.makeRaw();
        assertThat(t.lflag()).isEqualTo(Termios.ECHO);
        assertThat(copy.lflag()).isZero();
    }
}
