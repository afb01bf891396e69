package io.github.bootkernel.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Mutates a newc cpio archive (an initramfs) for the boot fuzz: bit flips anywhere, a header field
 * of one member set to an extreme or malformed value, a cut, a zeroed block, or a member's name
 * without its NUL. The monitor hands the archive to the kernel as opaque bytes; what the mutations
 * test is that every boot still ends in a way the monitor reports. Deterministic for a given
 * {@link Random}.
 */
final class CpioMutator {

    /** A mutated archive and what was done to it. */
    record Mutant(byte[] bytes, String description) {
    }

    private static final int HEADER = 110;
    private static final String[] FIELDS = {"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor",
        "devminor", "rdevmajor", "rdevminor", "namesize", "check"};
    private static final String[] VALUES = {"FFFFFFFF", "00000000", "7FFFFFFF", "80000000", "ZZZZZZZZ", "0000000G",
        "00100000", "000041ED", "0000A1FF", "000081ED"};

    private CpioMutator() {
    }

    /**
     * Applies one mutation.
     *
     * @param archive a newc archive
     * @param random the source of every choice
     * @return the mutant
     */
    static Mutant mutate(byte[] archive, Random random) {
        byte[] b = archive.clone();
        List<Integer> headers = headers(archive);
        switch (random.nextInt(5)) {
            case 0 -> {
                int flips = 1 + random.nextInt(32);
                for (int i = 0; i < flips; i++) {
                    int at = random.nextInt(b.length);
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
                return new Mutant(b, flips + " random bit flips");
            }
            case 1 -> {
                int h = headers.get(random.nextInt(headers.size()));
                int field = random.nextInt(FIELDS.length);
                String value = random.nextBoolean() ? VALUES[random.nextInt(VALUES.length)]
                        : String.format("%08X", random.nextInt());
                System.arraycopy(value.getBytes(StandardCharsets.US_ASCII), 0, b, h + 6 + 8 * field, 8);
                return new Mutant(b, String.format("%s of the member at %d (%s) set to %s", FIELDS[field], h,
                        name(archive, h), value));
            }
            case 2 -> {
                int cut = random.nextInt(b.length);
                return new Mutant(Arrays.copyOf(b, cut), "cut to " + cut + " of " + b.length + " bytes");
            }
            case 3 -> {
                int at = random.nextInt(b.length);
                Arrays.fill(b, at, Math.min(b.length, at + 4096), (byte) 0);
                return new Mutant(b, "4 KiB zeroed at " + at);
            }
            default -> {
                int h = headers.get(random.nextInt(headers.size()));
                int nameSize = Integer.parseInt(new String(archive, h + 6 + 8 * 11, 8, StandardCharsets.US_ASCII), 16);
                b[h + HEADER + nameSize - 1] = '/';
                return new Mutant(b, "the NUL after the name of the member at " + h + " (" + name(archive, h)
                        + ") replaced");
            }
        }
    }

    /** @return the offsets of the archive's member headers, trailer included */
    static List<Integer> headers(byte[] archive) {
        List<Integer> offsets = new ArrayList<>();
        int at = 0;
        while (at + HEADER <= archive.length
                && new String(archive, at, 6, StandardCharsets.US_ASCII).equals("070701")) {
            offsets.add(at);
            int nameSize = field(archive, at, 11);
            int fileSize = field(archive, at, 6);
            at = align(align(at + HEADER + nameSize) + fileSize);
        }
        if (offsets.isEmpty()) {
            throw new IllegalArgumentException("not a newc cpio archive");
        }
        return offsets;
    }

    private static String name(byte[] archive, int header) {
        return new String(archive, header + HEADER, field(archive, header, 11) - 1, StandardCharsets.US_ASCII);
    }

    private static int field(byte[] archive, int header, int index) {
        return Integer.parseInt(new String(archive, header + 6 + 8 * index, 8, StandardCharsets.US_ASCII), 16);
    }

    private static int align(int offset) {
        return (offset + 3) & ~3;
    }
}
