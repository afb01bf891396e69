package io.github.bootkernel.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hand-assembled 32-bit guests wrapped in a minimal bzImage, for engine tests that need only KVM:
 * they run on any KVM, the PVM {@code /dev/kvm} of the build machines included. Not Linux.
 */
public final class TinyGuests {

    private TinyGuests() {
    }

    /** mov dx, 0x3f8 (32-bit code, operand-size prefix). */
    static final byte[] DX_COM1 = {0x66, (byte) 0xba, (byte) 0xf8, 0x03};
    /** out dx, al. */
    static final byte OUT_DX_AL = (byte) 0xee;
    /** jmp $ (spin). */
    public static final byte[] SPIN = {(byte) 0xeb, (byte) 0xfe};

    /** Code that prints {@code text} on COM1 and then reports {@code status} through port 0xf4. */
    public static byte[] printThenExit(String text, int status) {
        return printThen(text, exitWith(status));
    }

    /** Code that prints {@code text} on COM1 and then runs {@code then}. */
    public static byte[] printThen(String text, byte[] then) {
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        code.writeBytes(DX_COM1);
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
            code.write(0xb0); // mov al, imm8
            code.write(b);
            code.write(OUT_DX_AL);
        }
        code.writeBytes(then);
        return code.toByteArray();
    }

    /** cli; hlt; jmp back to the hlt: stopped for good, as Linux's stop_this_cpu(). */
    static byte[] haltForGood() {
        return new byte[] {(byte) 0xfa, (byte) 0xf4, (byte) 0xeb, (byte) 0xfd};
    }

    /** sti; hlt; jmp back to the hlt: idle, waiting for an interrupt. */
    static byte[] idle() {
        return new byte[] {(byte) 0xfb, (byte) 0xf4, (byte) 0xeb, (byte) 0xfd};
    }

    /** mov dx, port; mov al, value; out dx, al; then spin. */
    static byte[] outByte(int port, int value) {
        return new byte[] {0x66, (byte) 0xba, (byte) port, (byte) (port >> 8), (byte) 0xb0, (byte) value,
            OUT_DX_AL, (byte) 0xeb, (byte) 0xfe};
    }

    /** Code that prints {@code text} on COM1 again and again, forever. */
    public static byte[] printForever(String text) {
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        code.writeBytes(DX_COM1);
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (3 * bytes.length + 2 > 128) {
            throw new IllegalArgumentException("at most 42 chars: the loop's jump reaches 128 bytes back");
        }
        for (byte b : bytes) {
            code.write(0xb0); // mov al, imm8
            code.write(b);
            code.write(OUT_DX_AL);
        }
        code.write(0xeb); // jmp rel8, back to the first mov
        code.write(-(3 * bytes.length + 2));
        return code.toByteArray();
    }

    /** mov al, status; out 0xf4, al; then spin. */
    static byte[] exitWith(int status) {
        return new byte[] {(byte) 0xb0, (byte) status, (byte) 0xe6, (byte) 0xf4, (byte) 0xeb, (byte) 0xfe};
    }

    /** mov al, 0xfe; out 0x64, al (i8042 reset); then spin. */
    static byte[] i8042Reset() {
        return new byte[] {(byte) 0xb0, (byte) 0xfe, (byte) 0xe6, 0x64, (byte) 0xeb, (byte) 0xfe};
    }

    /** ud2 with an empty IDT: #UD, #GP, #DF, triple fault. */
    static byte[] tripleFault() {
        return new byte[] {0x0f, 0x0b, (byte) 0xeb, (byte) 0xfe};
    }

    /** A bzImage whose protected-mode part is {@code code}, entered at 0x100000. */
    static byte[] bzImage(byte[] code) {
        int setupSects = 1;
        int padded = (code.length + 15) & ~15;
        ByteBuffer b = ByteBuffer.allocate((setupSects + 1) * 512 + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) setupSects);
        b.putInt(0x1f4, padded / 16);
        b.putShort(0x1fe, (short) 0xaa55);
        b.put(0x201, (byte) 0x6a); // header ends at 0x26c
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) 0x020f);
        b.put(0x211, (byte) 0x01);
        b.putInt(0x214, 0x100000);
        b.putInt(0x22c, 0x37ffffff);
        b.putInt(0x230, 0x200000);
        b.putInt(0x238, 2048);
        b.putLong(0x258, 0x100000);
        b.putInt(0x260, 0x10000);
        b.put((setupSects + 1) * 512, code);
        return b.array();
    }

    /** Writes {@code code} as a bzImage named {@code name} into {@code dir}. */
    public static Path write(Path dir, String name, byte[] code) throws IOException {
        return Files.write(dir.resolve(name), bzImage(code));
    }

    /** Boots {@code code} with 32 MiB of RAM, its bzImage written to {@code dir}. */
    static Machine boot(Path dir, String name, byte[] code) throws IOException {
        return Machine.start(MachineConfig.builder(write(dir, name, code)).memoryMiB(32).build());
    }
}
