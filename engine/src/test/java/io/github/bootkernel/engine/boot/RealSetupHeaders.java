package io.github.bootkernel.engine.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The setup headers of real kernels, as the loader sees them: the file's first
 * {@link BzImage#HEAD_BYTES} bytes and its size. Always the samples committed in
 * {@code setup-headers.txt} (the tiny kernel and Debian's kernels, so the tests never depend on a
 * cache); also every kernel in {@code ~/.cache/bootkernel/latest/} that the kernels module
 * prepared on this machine (in CI, from the second build of a machine on).
 */
final class RealSetupHeaders {

    /** One kernel's header. */
    record Sample(String name, byte[] head, long fileSize) {
    }

    private static final String RESOURCE = "setup-headers.txt";
    private static final List<String> CACHED = List.of("tiny", "tiny-kunit", "debian-cloud", "debian-generic");

    private RealSetupHeaders() {
    }

    /** @return the committed samples, then the cached kernels found here */
    static List<Sample> all() {
        List<Sample> samples = new ArrayList<>(committed());
        samples.addAll(cached());
        return samples;
    }

    /**
     * @return {@link #all()} without repeats: a cached kernel whose header and size are those of a
     *     committed sample (the same kernel) is left out
     */
    static List<Sample> distinct() {
        List<Sample> distinct = new ArrayList<>();
        for (Sample s : all()) {
            if (distinct.stream().noneMatch(d -> d.fileSize() == s.fileSize() && Arrays.equals(header(d), header(s)))) {
                distinct.add(s);
            }
        }
        return distinct;
    }

    /** The setup header: from 0x1f1 to 0x202 + the byte at 0x201. */
    private static byte[] header(Sample s) {
        return Arrays.copyOfRange(s.head(), BzImage.HEADER_OFFSET, 0x202 + (s.head()[0x201] & 0xff));
    }

    /** @return the samples committed with the tests, by name */
    static List<Sample> committed() {
        List<Sample> samples = new ArrayList<>();
        try (InputStream in = RealSetupHeaders.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test resources");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                byte[] head = new byte[BzImage.HEAD_BYTES];
                byte[] header = HexFormat.of().parseHex(f[2]);
                System.arraycopy(header, 0, head, BzImage.HEADER_OFFSET, header.length);
                samples.add(new Sample(f[0], head, Long.parseLong(f[1])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    /** @return the kernels the kernels module cached on this machine, if any */
    static List<Sample> cached() {
        Path latest = Path.of(System.getProperty("user.home"), ".cache", "bootkernel", "latest");
        List<Sample> samples = new ArrayList<>();
        for (String id : CACHED) {
            Path kernel = latest.resolve(id);
            if (!Files.isRegularFile(kernel)) {
                continue;
            }
            try (InputFile in = InputFile.open("kernel", kernel)) {
                samples.add(new Sample("cached " + id, in.head(BzImage.HEAD_BYTES), in.size()));
            }
        }
        return samples;
    }

    /** @return the committed sample whose name starts with {@code prefix} */
    static Sample named(String prefix) {
        return committed().stream().filter(s -> s.name().startsWith(prefix)).findFirst().orElseThrow();
    }
}
