package io.github.bootkernel.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A boot input (kernel, initramfs) by path and content: its absolute path, size and SHA-256, so a
 * template guest ({@link TemplateKey}) is booted again when a file changes under the same name.
 *
 * @param path the absolute, normalized path
 * @param size bytes
 * @param sha256 the content's SHA-256, lower-case hex
 */
record FileIdentity(Path path, long size, String sha256) {

    /**
     * The identity of a file, hashed once per launcher run and file version: the hash is kept in
     * the root context's store under the path, size and modification time, so an unchanged kernel
     * is read once however many declarations name it.
     *
     * @throws ExtensionConfigurationException if the file cannot be read, naming it and {@code role}
     */
    static FileIdentity of(ExtensionContext context, Path file, String role) {
        Path path = file.toAbsolutePath().normalize();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new ExtensionConfigurationException("cannot read the " + role + " " + path + ": " + e, e);
        }
        String version = "file identity " + path + " " + attributes.size() + " " + attributes.lastModifiedTime();
        return context.getRoot().getStore(Guests.NAMESPACE).computeIfAbsent(version,
                k -> new FileIdentity(path, attributes.size(), sha256(path, role)), FileIdentity.class);
    }

    private static String sha256(Path path, String role) {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ExtensionConfigurationException("cannot read the " + role + " " + path + ": " + e,
                    new UncheckedIOException(e));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256 (MessageDigest's specification)", e);
        }
    }

    /** @return {@code /path/bzImage (8123456 bytes, sha256 0123456789ab...)} */
    @Override
    public String toString() {
        return path + " (" + size + " bytes, sha256 " + sha256.substring(0, 12) + "...)";
    }
}
