package io.github.bootkernel.engine.agent.internal;

import io.github.bootkernel.engine.AgentException.Reason;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A GET request: the guest file arrives as FILE, DATA frames and END, and is written on the
 * reader thread to a temporary file next to the host file as it arrives (never on the heap
 * whole). At END its size and CRC-32 are checked, the guest file's permission bits (rwx) applied,
 * and the temporary file renamed over the host file, atomically. A failed or abandoned copy
 * deletes the temporary file and leaves the host file as it was.
 *
 * <p>A FILE larger than the host asked for, or DATA beyond FILE's size, breaks the protocol (the
 * agent refuses such a GET with ERROR) and ends the channel.
 */
final class GetCall extends Call {

    private final Path temporary;
    private final Path target;
    private final long maxBytes;
    // Written by the reader thread only.
    private Payloads.FileInfo info;
    private volatile long received; // read by the caller for its message
    private final CRC32 crc = new CRC32();
    // Guarded by this; null once closed.
    private OutputStream out;

    private GetCall(Channel channel, String what, Path temporary, Path target, long maxBytes) throws IOException {
        super(channel, what);
        this.temporary = temporary;
        this.target = target;
        this.maxBytes = maxBytes;
        this.out = new FileOutputStream(temporary.toFile()); // not a channel: an interrupt does not close it
    }

    /**
     * Copies a guest file to the host.
     *
     * @param channel the channel
     * @param guestPath an absolute path in the guest
     * @param hostFile where to write it
     * @param maxBytes the largest file accepted
     * @param timeout how long the copy may take, the wait for the agent included
     * @throws io.github.bootkernel.engine.AgentException if the agent refused it, or the channel ended
     * @throws UncheckedIOException if the host file cannot be written
     * @throws InterruptedException if the thread is interrupted
     */
    static void copy(Channel channel, String guestPath, Path hostFile, long maxBytes, Duration timeout)
            throws InterruptedException {
        Deadline deadline = Deadline.after(timeout);
        String what = "copy " + guestPath + " from the guest to " + hostFile;
        if (!guestPath.startsWith("/")) {
            throw new IllegalArgumentException("cannot " + what + ": the guest path must be absolute");
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("cannot " + what + ": a negative maximum size " + maxBytes);
        }
        byte[] get = new Payloads.Get(guestPath, maxBytes).encode();
        Path target = hostFile.toAbsolutePath();
        GetCall call;
        try {
            Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".bootkernel-tmp");
            try {
                call = new GetCall(channel, what, temporary, target, maxBytes);
            } catch (IOException e) {
                Files.deleteIfExists(temporary);
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + what + ": " + e, e);
        }
        try {
            channel.submit(call, deadline, FrameType.GET, get);
            if (!call.awaitDone(deadline)) {
                call.fail(Reason.REQUEST_FAILED, "it did not finish within its time limit of " + deadline.describeLimit()
                        + " (" + call.receivedSoFar() + " bytes received)");
            }
        } catch (InterruptedException | RuntimeException e) {
            call.fail(Reason.REQUEST_FAILED, "the host gave up: " + e);
            throw e;
        }
        call.throwIfFailed();
    }

    @Override
    boolean onFrame(Frame f) throws BadFrameException {
        switch (f.type()) {
            case FILE:
                if (info != null) {
                    throw unexpected(f, "a second FILE");
                }
                info = Payloads.FileInfo.decode(f.payload());
                if (info.size() > maxBytes) {
                    throw unexpected(f, "FILE announces " + info.size() + " bytes, more than the " + maxBytes
                            + " the host asked for");
                }
                return false;
            case DATA:
                requireFile(f);
                if (received + f.payload().length > info.size()) {
                    throw unexpected(f, "DATA beyond the " + info.size() + " bytes FILE announced");
                }
                received += f.payload().length;
                crc.update(f.payload());
                write(f.payload());
                return false;
            case END:
                requireFile(f);
                finish(Payloads.End.decode(f.payload()));
                return true;
            case ERROR:
                failWith(Payloads.ErrorReply.decode(f.payload()), "the agent refused it");
                return true;
            default:
                throw unexpected(f, f.type() + " is not an answer to GET");
        }
    }

    @Override
    void onFailed() {
        try {
            if (out != null) {
                out.close();
                out = null;
            }
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            System.getLogger(GetCall.class.getName()).log(System.Logger.Level.WARNING, "cannot delete " + temporary, e);
        }
    }

    private long receivedSoFar() {
        return received;
    }

    private void requireFile(Frame f) throws BadFrameException {
        if (info == null) {
            throw unexpected(f, f.type() + " before FILE");
        }
    }

    private synchronized void write(byte[] data) {
        if (done()) {
            return;
        }
        try {
            out.write(data);
        } catch (IOException e) {
            fail(Failure.io("cannot " + what() + ": writing " + temporary + " failed: " + e.getMessage(), e));
        }
    }

    private synchronized void finish(Payloads.End end) {
        if (done()) {
            return;
        }
        if (end.size() != received || received != info.size() || end.crc32() != crc.getValue()) {
            fail(Reason.REQUEST_FAILED, String.format("the copy does not check: FILE announced %d bytes, %d arrived with"
                    + " CRC-32 0x%08x, END says %d bytes with CRC-32 0x%08x", info.size(), received, crc.getValue(),
                    end.size(), end.crc32()));
            return;
        }
        try {
            out.close();
            out = null;
            try {
                Files.setPosixFilePermissions(temporary, permissions((int) info.mode()));
            } catch (UnsupportedOperationException noPosix) {
                // a file system without POSIX permissions keeps its default
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            succeed();
        } catch (IOException e) {
            fail(Failure.io("cannot " + what() + ": " + e, e));
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ (0400) ... OTHERS_EXECUTE (0001)
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(bits[i]);
            }
        }
        return set;
    }
}
