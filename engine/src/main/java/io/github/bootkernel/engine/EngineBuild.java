package io.github.bootkernel.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Which build of the engine this is, by content: the SHA-256 of its class files' names, sizes and
 * CRC-32s (from its jar's central directory, which holds them, so nothing is inflated; or computed
 * from its classes directory in a development build), without the jar's timestamps, so that two
 * builds of the same sources agree and any change to the monitor (a device model, the ACPI tables,
 * the CPUID it gives) gives a new digest. CRC-32 guards against a stale file, not against an
 * adversary: whoever can write the cache can write the engine's jar too. Hashing the classes'
 * bytes instead took 3.5 s in the nested VM's cold JVM. A snapshot file records it: a clone of a guest
 * booted by another build would carry that build's behaviour into this one's tests.
 */
final class EngineBuild {

    private EngineBuild() {
    }

    /** Computed once per JVM. */
    private static final class Holder {
        static final String DIGEST = compute();
    }

    /**
     * @return 16 lower-case hex digits
     * @throws UncheckedIOException if the engine's classes cannot be read
     */
    static String digest() {
        return Holder.DIGEST;
    }

    private static String compute() {
        Path location;
        try {
            location = Path.of(EngineBuild.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the engine's classes: " + e, e);
        }
        return of(location);
    }

    /**
     * The digest of the classes in a jar or a directory.
     *
     * @throws UncheckedIOException if they cannot be read
     */
    static String of(Path location) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256 (MessageDigest's specification)", e);
        }
        try {
            if (Files.isDirectory(location)) {
                List<Path> classes = new ArrayList<>();
                try (Stream<Path> files = Files.walk(location)) {
                    files.filter(p -> p.toString().endsWith(".class")).sorted().forEach(classes::add);
                }
                for (Path p : classes) {
                    byte[] bytes = Files.readAllBytes(p);
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    update(digest, location.relativize(p).toString(), bytes.length, crc.getValue());
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    List<JarEntry> classes = jar.stream().filter(e -> e.getName().endsWith(".class"))
                            .sorted((a, b) -> a.getName().compareTo(b.getName())).toList();
                    for (JarEntry e : classes) {
                        update(digest, e.getName(), e.getSize(), e.getCrc());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the engine's classes in " + location, e);
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static void update(MessageDigest digest, String name, long size, long crc) {
        digest.update((name.replace('\\', '/') + " " + size + " " + Long.toHexString(crc) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
