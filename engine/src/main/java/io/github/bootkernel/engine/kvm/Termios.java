package io.github.bootkernel.engine.kvm;

/**
 * glibc's {@code struct termios} on x86_64 ({@code <bits/termios-struct.h>}, 60 bytes), the
 * argument of {@code tcgetattr} and {@code tcsetattr}; not the kernel's smaller one of the
 * {@code TCGETS} ioctl. Sizes, offsets and flag values are pinned by {@code TermiosTest}.
 */
final class Termios extends Struct {

    static final int SIZE = 60;
    static final int IFLAG = 0;
    static final int OFLAG = 4;
    static final int CFLAG = 8;
    static final int LFLAG = 12;
    static final int CC = 17;
    static final int VTIME = 5;
    static final int VMIN = 6;

    // c_iflag
    static final int IGNBRK = 0x1;
    static final int BRKINT = 0x2;
    static final int PARMRK = 0x8;
    static final int ISTRIP = 0x20;
    static final int INLCR = 0x40;
    static final int IGNCR = 0x80;
    static final int ICRNL = 0x100;
    static final int IXON = 0x400;
    // c_oflag
    static final int OPOST = 0x1;
    // c_cflag
    static final int CSIZE = 0x30;
    static final int CS8 = 0x30;
    static final int PARENB = 0x100;
    // c_lflag
    static final int ISIG = 0x1;
    static final int ICANON = 0x2;
    static final int ECHO = 0x8;
    static final int ECHONL = 0x40;
    static final int IEXTEN = 0x8000;

    Termios() {
        super(SIZE);
    }

    int iflag() {
        return u32(IFLAG);
    }

    int oflag() {
        return u32(OFLAG);
    }

    int cflag() {
        return u32(CFLAG);
    }

    int lflag() {
        return u32(LFLAG);
    }

    int cc(int index) {
        return u8(CC + index);
    }

    /** A copy of all 60 bytes. */
    Termios copy() {
        Termios copy = new Termios();
        for (int i = 0; i < SIZE; i++) {
            copy.u8(i, u8(i));
        }
        return copy;
    }

    /**
     * Makes these attributes raw the way QEMU does for {@code -serial stdio}
     * ({@code qemu_chr_set_echo_stdio}, chardev/char-stdio.c): bytes pass one at a time, unchanged,
     * without echo and without generating signals (Ctrl-C, Ctrl-Z, Ctrl-\ are bytes), no software flow
     * control, 8 data bits; output post-processing stays on, so the host's own {@code \n} still starts
     * a new line.
     */
    void makeRaw() {
        u32(IFLAG, iflag() & ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON));
        u32(OFLAG, oflag() | OPOST);
        u32(LFLAG, lflag() & ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN));
        u32(CFLAG, (cflag() & ~(CSIZE | PARENB)) | CS8);
        u8(CC + VMIN, 1);
        u8(CC + VTIME, 0);
    }
}
