package io.github.bootkernel.kernels.initramfs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * An independent, strict reader of newc cpio archives for the tests: it checks the magic, that
 * every header starts 4-byte aligned, that all padding is zero bytes, the name's NUL and the
 * trailer, and fails on anything else.
 */
final class NewcReader {

    /** One decoded member. */
    record Member(long offset, int ino, int mode, int uid, int gid, int nlink, long mtime, int rdevMajor,
                  int rdevMinor, int check, String name, byte[] data) {

        int type() {
            return mode & 0170000;
        }

        int permissions() {
            return mode & 07777;
        }

        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private NewcReader() {
    }

    /** Decodes an archive, gunzipping it first if it starts with the gzip magic. */
    static List<Member> read(byte[] archive) {
        byte[] bytes = archive.length > 1 && (archive[0] & 0xff) == 0x1f && (archive[1] & 0xff) == 0x8b
                ? gunzip(archive) : archive;
        List<Member> members = new ArrayList<>();
        int pos = 0;
        while (true) {
            if (pos % 4 != 0) {
                throw new AssertionError("header at " + pos + " is not 4-byte aligned");
            }
            if (pos + 110 > bytes.length) {
                throw new AssertionError("archive ends at " + bytes.length + " without TRAILER!!!");
            }
            String magic = ascii(bytes, pos, 6);
            if (!magic.equals("070701")) {
                throw new AssertionError("bad magic '" + magic + "' at " + pos);
            }
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                String hex = ascii(bytes, pos + 6 + 8 * i, 8);
                if (!hex.matches("[0-9A-Fa-f]{8}")) {
                    throw new AssertionError("field " + i + " at " + pos + " is not 8 hex digits: " + hex);
                }
                f[i] = Long.parseLong(hex, 16);
            }
            int namesize = (int) f[11];
            int nameStart = pos + 110;
            if (bytes[nameStart + namesize - 1] != 0) {
                throw new AssertionError("name at " + nameStart + " does not end with NUL");
            }
            String name = new String(bytes, nameStart, namesize - 1, StandardCharsets.UTF_8);
            int dataStart = align(nameStart + namesize);
            requireZeros(bytes, nameStart + namesize, dataStart);
            int size = (int) f[6];
            byte[] data = Arrays.copyOfRange(bytes, dataStart, dataStart + size);
            int next = align(dataStart + size);
            requireZeros(bytes, dataStart + size, next);
            Member member = new Member(pos, (int) f[0], (int) f[1], (int) f[2], (int) f[3], (int) f[4], f[5],
                    (int) f[9], (int) f[10], (int) f[12], name, data);
            members.add(member);
            pos = next;
            if (name.equals("TRAILER!!!")) {
                if (pos != bytes.length) {
                    throw new AssertionError("archive has " + (bytes.length - pos) + " bytes after the trailer");
                }
                return members;
            }
        }
    }

    private static int align(int offset) {
        return (offset + 3) & ~3;
    }

    private static void requireZeros(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                throw new AssertionError("padding byte at " + i + " is " + bytes[i] + ", not 0");
            }
        }
    }

    private static String ascii(byte[] bytes, int pos, int length) {
        return new String(bytes, pos, length, StandardCharsets.US_ASCII);
    }

    private static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
