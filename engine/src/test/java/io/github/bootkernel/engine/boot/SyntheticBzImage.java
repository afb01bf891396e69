package io.github.bootkernel.engine.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Builds bzImage files for the loader tests, laid out as boot.rst describes: boot sector and setup
 * header, {@code setup_sects} sectors of setup code, then the protected-mode kernel. The defaults
 * give a valid protocol 2.15 relocatable image; each setter breaks or changes one field.
 */
final class SyntheticBzImage {

    private int setupSects = 1;
    private int kernelBytes = 0x1000;
    private Integer syssize;
    private int bootFlag = 0xaa55;
    private int headerLength = 0x6a; // byte at 0x201: header ends at 0x26c
    private int magic = 0x53726448; // "HdrS"
    private int protocol = 0x020f;
    private int loadflags = 0x01;
    private long code32Start = 0x100000;
    private long initrdAddrMax = 0x7fffffff;
    private long kernelAlignment = 0x200000;
    private boolean relocatable = true;
    private int xloadflags = 0x7f;
    private long cmdlineSize = 2047;
    private long prefAddress = 0x1000000;
    private long initSize = 0x20000;
    private int length = -1;

    SyntheticBzImage setupSects(int value) {
        setupSects = value;
        return this;
    }

    SyntheticBzImage kernelBytes(int value) {
        kernelBytes = value;
        return this;
    }

    SyntheticBzImage syssize(int value) {
        syssize = value;
        return this;
    }

    SyntheticBzImage bootFlag(int value) {
        bootFlag = value;
        return this;
    }

    SyntheticBzImage headerLength(int value) {
        headerLength = value;
        return this;
    }

    SyntheticBzImage magic(int value) {
        magic = value;
        return this;
    }

    SyntheticBzImage protocol(int value) {
        protocol = value;
        return this;
    }

    SyntheticBzImage loadflags(int value) {
        loadflags = value;
        return this;
    }

    SyntheticBzImage code32Start(long value) {
        code32Start = value;
        return this;
    }

    SyntheticBzImage initrdAddrMax(long value) {
        initrdAddrMax = value;
        return this;
    }

    SyntheticBzImage kernelAlignment(long value) {
        kernelAlignment = value;
        return this;
    }

    SyntheticBzImage xloadflags(int value) {
        xloadflags = value;
        return this;
    }

    SyntheticBzImage relocatable(boolean value) {
        relocatable = value;
        return this;
    }

    SyntheticBzImage cmdlineSize(long value) {
        cmdlineSize = value;
        return this;
    }

    SyntheticBzImage prefAddress(long value) {
        prefAddress = value;
        return this;
    }

    SyntheticBzImage initSize(long value) {
        initSize = value;
        return this;
    }

    /** Cuts (or pads) the file to exactly this many bytes. */
    SyntheticBzImage length(int value) {
        length = value;
        return this;
    }

    /** Offset of the protected-mode kernel in the file, with setup_sects 0 meaning 4. */
    int kernelOffset() {
        return ((setupSects == 0 ? 4 : setupSects) + 1) * 512;
    }

    byte[] bytes() {
        int natural = kernelOffset() + kernelBytes;
        int size = length >= 0 ? length : natural;
        ByteBuffer b = ByteBuffer.allocate(Math.max(size, Math.max(natural, 0x300))).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) setupSects);
        b.putInt(0x1f4, syssize != null ? syssize : (kernelBytes + 15) / 16);
        b.putShort(0x1fe, (short) bootFlag);
        b.put(0x201, (byte) headerLength);
        b.putInt(0x202, magic);
        b.putShort(0x206, (short) protocol);
        b.put(0x210, (byte) 0x42); // type_of_loader as shipped: must be overwritten in the zero page
        b.put(0x211, (byte) loadflags);
        b.putInt(0x214, (int) code32Start);
        b.putInt(0x218, 0x12345678); // ramdisk_image garbage: likewise
        b.putInt(0x22c, (int) initrdAddrMax);
        b.putInt(0x230, (int) kernelAlignment);
        b.put(0x234, (byte) (relocatable ? 1 : 0));
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, (int) cmdlineSize);
        b.putLong(0x258, prefAddress);
        b.putInt(0x260, (int) initSize);
        // Recognisable boot sector code, setup code and kernel bytes: none of them belongs in a zero page.
        for (int i = 0; i < 0x1f1; i++) {
            b.put(i, (byte) 0xcc);
        }
        for (int i = Math.max(0x202 + headerLength, 0x268); i < kernelOffset() && i < b.capacity(); i++) {
            b.put(i, (byte) 0x5e);
        }
        for (int i = 0; i < kernelBytes && kernelOffset() + i < b.capacity(); i++) {
            b.put(kernelOffset() + i, (byte) (i * 7 + 1));
        }
        byte[] all = b.array();
        return size == all.length ? all : java.util.Arrays.copyOf(all, size);
    }

    BzImage parse(Path name) {
        return BzImage.parse(name, bytes());
    }

    /** Writes the image to {@code dir/name}. */
    Path write(Path dir, String name) throws java.io.IOException {
        return java.nio.file.Files.write(dir.resolve(name), bytes());
    }
}
