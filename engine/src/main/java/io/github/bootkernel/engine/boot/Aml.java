package io.github.bootkernel.engine.boot;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough ACPI Machine Language to describe fixed legacy devices and the sleep states in a
 * DSDT: scopes, devices, names bound to integers or packages, EISA ids and resource templates
 * (ACPI 6.5, chapter 20 and 6.4).
 */
final class Aml {

    private static final int SCOPE_OP = 0x10;
    private static final int NAME_OP = 0x08;
    private static final int BUFFER_OP = 0x11;
    private static final int PACKAGE_OP = 0x12;
    private static final int EXT_OP_PREFIX = 0x5b;
    private static final int DEVICE_OP = 0x82;
    private static final int ZERO_OP = 0x00;
    private static final int ONE_OP = 0x01;
    private static final int BYTE_PREFIX = 0x0a;
    private static final int DWORD_PREFIX = 0x0c;
    private static final int ROOT_CHAR = 0x5c;

    private Aml() {
    }

    /** {@code Scope(\NAME) { body }}. */
    static byte[] scope(String rootName, byte[]... body) {
        return op(new int[] {SCOPE_OP}, concat(concat(new byte[] {ROOT_CHAR}, nameSeg(rootName)), concat(body)));
    }

    /** {@code Device(NAME) { body }}. */
    static byte[] device(String name, byte[]... body) {
        return op(new int[] {EXT_OP_PREFIX, DEVICE_OP}, concat(nameSeg(name), concat(body)));
    }

    /** {@code Name(NAME, value)}. */
    static byte[] name(String name, byte[] value) {
        return concat(new byte[] {NAME_OP}, nameSeg(name), value);
    }

    /** An integer constant in its shortest encoding among Zero, One, byte and dword. */
    static byte[] integer(long value) {
        if (value == 0) {
            return new byte[] {ZERO_OP};
        }
        if (value == 1) {
            return new byte[] {ONE_OP};
        }
        if (value >= 0 && value <= 0xff) {
            return new byte[] {BYTE_PREFIX, (byte) value};
        }
        return new byte[] {DWORD_PREFIX, (byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)};
    }

    /**
     * {@code Package() { elements }}: PackageOp, PkgLength, NumElements (one byte), the elements
     * (ACPI 6.5 section 20.2.5.4, DefPackage).
     */
    static byte[] pkg(byte[]... elements) {
        if (elements.length > 0xff) {
            throw new IllegalArgumentException("AML package with more than 255 elements: " + elements.length);
        }
        return op(new int[] {PACKAGE_OP}, concat(new byte[] {(byte) elements.length}, concat(elements)));
    }

    /** {@code EisaId("PNP0501")}: three letters in 5 bits each, then four hex digits, big-endian. */
    static byte[] eisaId(String id) {
        if (id.length() != 7) {
            throw new IllegalArgumentException("EISA id must be 3 letters and 4 hex digits: " + id);
        }
        int letters = ((id.charAt(0) - 0x40) << 10) | ((id.charAt(1) - 0x40) << 5) | (id.charAt(2) - 0x40);
        int product = Integer.parseInt(id.substring(3), 16);
        return new byte[] {DWORD_PREFIX, (byte) (letters >> 8), (byte) letters, (byte) (product >> 8), (byte) product};
    }

    /** {@code ResourceTemplate() { descriptors }}: a buffer ending with the end tag. */
    static byte[] resourceTemplate(byte[]... descriptors) {
        byte[] data = concat(concat(descriptors), new byte[] {0x79, 0x00});
        return op(new int[] {BUFFER_OP}, concat(integer(data.length), data));
    }

    /** {@code IO(Decode16, base, base, 1, length)}: a fixed 16-bit port range. */
    static byte[] io(int base, int length) {
        return new byte[] {0x47, 0x01, (byte) base, (byte) (base >> 8), (byte) base, (byte) (base >> 8), 0x01,
            (byte) length};
    }

    /** {@code IRQNoFlags() { irq }}: an edge-triggered, active-high ISA interrupt. */
    static byte[] irq(int irq) {
        int mask = 1 << irq;
        return new byte[] {0x22, (byte) mask, (byte) (mask >> 8)};
    }

    private static byte[] nameSeg(String name) {
        if (name.length() != 4) {
            throw new IllegalArgumentException("AML name segments have 4 characters: " + name);
        }
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    /** An opcode followed by a package length covering the body. */
    private static byte[] op(int[] opcode, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b : opcode) {
            out.write(b);
        }
        out.writeBytes(pkgLength(body.length));
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** PkgLength: counts itself; one byte up to 63, else a lead byte with the count of follow bytes. */
    static byte[] pkgLength(int bodyLength) {
        if (bodyLength + 1 < 0x40) {
            return new byte[] {(byte) (bodyLength + 1)};
        }
        for (int extra = 1; extra <= 3; extra++) {
            int total = bodyLength + 1 + extra;
            if (total < 1 << (4 + 8 * extra)) {
                byte[] out = new byte[1 + extra];
                out[0] = (byte) ((extra << 6) | (total & 0x0f));
                for (int i = 1; i <= extra; i++) {
                    out[i] = (byte) (total >> (4 + 8 * (i - 1)));
                }
                return out;
            }
        }
        throw new IllegalArgumentException("AML package too long: " + bodyLength);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
