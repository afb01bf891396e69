package io.github.bootkernel.engine.boot;

import io.github.bootkernel.engine.BootImageException;
import io.github.bootkernel.engine.memory.GuestMemory;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A kernel or initrd file opened for one boot. Its size is taken once, when it is opened, so every
 * check is made against the file's size before any of its content is read; the content then goes
 * from this one open file into guest memory in small pieces ({@link #copyTo}), never whole onto the
 * heap. Holding the file open from the check to the copy means the bytes loaded are those of the
 * file checked, even if its path is replaced meanwhile (a cache renaming a new version into place).
 *
 * <p>Every failure is a {@link BootImageException} naming the input. Not thread-safe; close it when
 * the boot has been loaded.
 */
public final class InputFile implements AutoCloseable {

    private final String what;
    private final Path path;
    private final FileChannel channel;
    private final long size;

    private InputFile(String what, Path path, FileChannel channel, long size) {
        this.what = what;
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /**
     * Opens a regular file for reading; reads nothing yet.
     *
     * @param what the kind of input for messages: {@code kernel} or {@code initrd}
     * @param path the file
     * @return the open file, owned by the caller
     * @throws BootImageException if the file does not exist, is not a regular file (a directory, a
     *     device, a FIFO: checked before opening, so a FIFO never blocks here) or cannot be opened
     */
    public static InputFile open(String what, Path path) {
        if (!Files.isRegularFile(path)) {
            throw new BootImageException(what, path, Files.exists(path) ? "not a regular file" : "no such file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            throw new BootImageException(what, path, "cannot be read: " + e, e);
        }
        try {
            return new InputFile(what, path, channel, channel.size());
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new BootImageException(what, path, "cannot be read: " + e, e);
        }
    }

    /** @return the kind of input: {@code kernel} or {@code initrd} */
    public String what() {
        return what;
    }

    /** @return the file's path, for messages */
    public Path path() {
        return path;
    }

    /** @return the file's size in bytes when it was opened */
    public long size() {
        return size;
    }

    /**
     * Reads the start of the file, for a header.
     *
     * @param max the most bytes to read
     * @return the first {@code min(max, size())} bytes
     * @throws BootImageException if reading fails or the file is shorter than it was when opened
     */
    public byte[] head(int max) {
        int n = (int) Math.min(max, size);
        ByteBuffer buffer = ByteBuffer.allocate(n);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, buffer.position()) < 0) {
                    throw changed(n);
                }
            }
        } catch (IOException e) {
            throw new BootImageException(what, path, "cannot be read: " + e, e);
        }
        return buffer.array();
    }

    /**
     * Copies {@code [offset, offset + length)} of the file into guest memory at
     * {@code guestAddress}, read straight into guest RAM
     * ({@link GuestMemory#write(long, FileChannel, long, long)}): none of it goes onto the heap.
     *
     * @param memory guest RAM
     * @param guestAddress where the first byte goes
     * @param offset where to start in the file
     * @param length how many bytes
     * @throws BootImageException if the file is shorter than {@code offset + length} now (it changed
     *     since it was checked) or reading fails
     * @throws io.github.bootkernel.engine.memory.GuestMemoryException if the range is not RAM
     *     (checked before anything is read)
     */
    public void copyTo(GuestMemory memory, long guestAddress, long offset, long length) {
        try {
            memory.write(guestAddress, channel, offset, length);
        } catch (EOFException e) {
            throw changed(Math.addExact(offset, length));
        } catch (IOException e) {
            throw new BootImageException(what, path, "cannot be read: " + e, e);
        }
    }

    private BootImageException changed(long wantedEnd) {
        return new BootImageException(what, path, "changed while it was being loaded: it had " + size
                + " bytes when checked, but ended before byte " + wantedEnd + " when read");
    }

    /** Closes the file. Idempotent. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Read-only: nothing was written that closing could lose.
        }
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        try {
            channel.close();
        } catch (IOException suppressed) {
            primary.addSuppressed(suppressed);
        }
    }

    @Override
    public String toString() {
        return what + " " + path + " (" + size + " bytes)";
    }
}
