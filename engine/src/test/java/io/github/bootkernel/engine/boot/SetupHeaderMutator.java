package io.github.bootkernel.engine.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutates a real kernel's setup header and file size for the fuzz test: bit flips and random bytes
 * in and around the header, extreme values in the fields the loader reads (and in those it does
 * not), a header length byte out of range, and truncated or extended files. Deterministic for a
 * given {@link Random}.
 */
final class SetupHeaderMutator {

    /** A mutated kernel: its first {@link BzImage#HEAD_BYTES} bytes, its size, and what was done. */
    record Mutant(byte[] head, long fileSize, String description) {
    }

    /** A setup header field: offset in the file and width in bytes. */
    private record Field(String name, int offset, int width) {
    }

    private static final List<Field> FIELDS = List.of(
            new Field("setup_sects", 0x1f1, 1), new Field("syssize", 0x1f4, 4),
            new Field("boot_flag", 0x1fe, 2), new Field("jump length", 0x201, 1),
            new Field("header magic", 0x202, 4), new Field("version", 0x206, 2),
            new Field("loadflags", 0x211, 1), new Field("code32_start", 0x214, 4),
            new Field("initrd_addr_max", 0x22c, 4), new Field("kernel_alignment", 0x230, 4),
            new Field("relocatable_kernel", 0x234, 1), new Field("min_alignment", 0x235, 1),
            new Field("xloadflags", 0x236, 2), new Field("cmdline_size", 0x238, 4),
            new Field("hardware_subarch", 0x23c, 4), new Field("payload_offset", 0x248, 4),
            new Field("payload_length", 0x24c, 4), new Field("setup_data", 0x250, 8),
            new Field("pref_address", 0x258, 8), new Field("init_size", 0x260, 4),
            new Field("handover_offset", 0x264, 4), new Field("kernel_info_offset", 0x268, 4));

    /** Addresses and sizes near the loader's boundaries. */
    private static final long[] BOUNDARIES = {0x100000, 0xfffff, 0x9f000, 0x1000000, 0xffffff, 0x1000001, 0x200000,
        0x37ffffff, 0x7fffffffL, 0xbff00000L, 0xc0000000L, 0xfffff000L, 0xffffffffL, 1L << 32, 1L << 40,
        (1L << 40) + 1, -1L, Long.MIN_VALUE, 0x3378000, 0xbaa000};

    private SetupHeaderMutator() {
    }

    /**
     * Applies one to three mutations.
     *
     * @param sample the real kernel's head and size
     * @param random the source of every choice
     * @return the mutant
     */
    static Mutant mutate(RealSetupHeaders.Sample sample, Random random) {
        byte[] head = java.util.Arrays.copyOf(sample.head(), BzImage.HEAD_BYTES);
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long size = sample.fileSize();
        long setupBytes = ((head[0x1f1] & 0xff) + 1L) * 512;
        List<String> done = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(100);
            if (kind < 25) {
                int at = random.nextInt(5) > 0 ? 0x1f1 + random.nextInt(0x80) : random.nextInt(head.length);
                int bit = random.nextInt(8);
                head[at] ^= (byte) (1 << bit);
                done.add(String.format("flip bit %d at 0x%x", bit, at));
            } else if (kind < 35) {
                int at = 0x1f1 + random.nextInt(0x80);
                head[at] = (byte) random.nextInt(256);
                done.add(String.format("byte 0x%02x at 0x%x", head[at] & 0xff, at));
            } else if (kind < 75) {
                Field f = FIELDS.get(random.nextInt(FIELDS.size()));
                long value = extreme(read(b, f), f.width(), random);
                write(b, f, value);
                done.add(String.format("%s = 0x%x", f.name(), read(b, f)));
            } else if (kind < 90) {
                size = truncated(size, setupBytes, random);
                done.add("file cut to " + size + " bytes");
            } else if (kind < 95) {
                size += 1 + random.nextInt(4 << 20);
                done.add("file extended to " + size + " bytes");
            } else {
                int[] lengths = {0, 1, 0x4e, 0x39, 0x61, 0x62, 0x65, 0x66, 0x6a, 0x7f, 0x80, 0xff};
                head[0x201] = (byte) lengths[random.nextInt(lengths.length)];
                done.add(String.format("header end 0x%x", 0x202 + (head[0x201] & 0xff)));
            }
        }
        return new Mutant(head, size, sample.name() + ": " + String.join(", ", done));
    }

    private static long extreme(long original, int width, Random random) {
        long mask = width == 8 ? -1L : (1L << (8 * width)) - 1;
        long top = 1L << (8 * width - 1);
        long[] choices = {0, 1, 2, mask, mask - 1, top, top - 1, original + 1, original - 1, original * 2,
            original / 2, original ^ (1L << random.nextInt(8 * width)), random.nextLong(),
            BOUNDARIES[random.nextInt(BOUNDARIES.length)], 1L << random.nextInt(8 * width)};
        return choices[random.nextInt(choices.length)] & mask;
    }

    private static long truncated(long size, long setupBytes, Random random) {
        long cut = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(0x250);
            case 1 -> 0x250 + random.nextInt(0x400 - 0x250);
            case 2 -> setupBytes - 16 + random.nextInt(48);
            default -> (long) (random.nextDouble() * size);
        };
        return Math.max(0, Math.min(size, cut));
    }

    private static long read(ByteBuffer b, Field f) {
        return switch (f.width()) {
            case 1 -> Byte.toUnsignedLong(b.get(f.offset()));
            case 2 -> Short.toUnsignedLong(b.getShort(f.offset()));
            case 4 -> Integer.toUnsignedLong(b.getInt(f.offset()));
            default -> b.getLong(f.offset());
        };
    }

    private static void write(ByteBuffer b, Field f, long value) {
        switch (f.width()) {
            case 1 -> b.put(f.offset(), (byte) value);
            case 2 -> b.putShort(f.offset(), (short) value);
            case 4 -> b.putInt(f.offset(), (int) value);
            default -> b.putLong(f.offset(), value);
        }
    }
}
