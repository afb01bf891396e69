package io.github.bootkernel.engine.agent.internal;

import io.github.bootkernel.engine.AgentException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.CRC32;

/**
 * A PUT request: copies a host file into the guest on the caller's thread, one DATA frame of at
 * most {@link Frame#MAX_PAYLOAD} bytes at a time, read from the file as the agent takes them (the
 * file is never on the heap whole), then END with the size and CRC-32.
 *
 * <p>Every PUT ends with END, also when the host gives up (its time limit, an interrupt, a host
 * file that cannot be read) or the agent refused it early: END then gives the size of what was
 * sent, short of the PUT's, so the agent refuses the file and leaves none behind.
 */
final class PutCall extends Call {

    private final Deadline deadline;
    private volatile boolean endSent;

    private PutCall(Channel channel, String what, Deadline deadline) {
        super(channel, what);
        this.deadline = deadline;
    }

    /**
     * Copies a host file into the guest.
     *
     * @param channel the channel
     * @param hostFile a regular file
     * @param guestPath an absolute path in the guest
     * @param mode the permission bits, at most {@code 07777}
     * @param timeout how long the copy may take, the wait for the agent included
     * @throws io.github.bootkernel.engine.AgentException if the agent refused it, or the channel ended
     * @throws UncheckedIOException if the host file cannot be read
     * @throws InterruptedException if the thread is interrupted
     */
    static void copy(Channel channel, Path hostFile, String guestPath, int mode, Duration timeout)
            throws InterruptedException {
        Deadline deadline = Deadline.after(timeout);
        String what = "copy " + hostFile + " to " + guestPath + " in the guest";
        if (!guestPath.startsWith("/")) {
            throw new IllegalArgumentException("cannot " + what + ": the guest path must be absolute");
        }
        // Checked first: opening a FIFO would block. Not a FileChannel: an interrupt would close it.
        try (RandomAccessFile file = new RandomAccessFile(regularFile(hostFile), "r")) {
            long size = file.length();
            byte[] put = new Payloads.Put(guestPath, mode, size).encode();
            PutCall call = new PutCall(channel, what, deadline);
            channel.submit(call, deadline, FrameType.PUT, put);
            call.transfer(file, size);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private static java.io.File regularFile(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException(Files.exists(path) ? path + " is not a regular file" : path + " does not exist");
        }
        return path.toFile();
    }

    private void transfer(RandomAccessFile file, long size) throws IOException, InterruptedException {
        CRC32 crc = new CRC32();
        long sent = 0;
        try {
            while (sent < size && !done()) {
                byte[] chunk = new byte[(int) Math.min(Frame.MAX_PAYLOAD, size - sent)];
                read(file, chunk, sent);
                if (!channel().sendData(this, chunk, deadline)) {
                    break; // the request ended, or the time limit passed: both handled below
                }
                crc.update(chunk);
                sent += chunk.length;
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            fail(Reason.REQUEST_FAILED, "the host gave up: " + e); // for the agent's answer to the END below
            throw e;
        } finally {
            endSent = true;
            channel().send(this, FrameType.END, new Payloads.End(sent, crc.getValue()).encode());
        }
        try {
            if (!awaitDone(deadline)) {
                fail(Reason.REQUEST_FAILED, "it did not finish within its time limit of " + deadline.describeLimit()
                        + " (" + sent + " of " + size + " bytes sent)");
            }
        } catch (InterruptedException e) {
            fail(Reason.REQUEST_FAILED, "interrupted");
            throw e;
        }
        throwIfFailed();
    }

    private static void read(RandomAccessFile file, byte[] chunk, long at) throws IOException {
        try {
            file.readFully(chunk);
        } catch (EOFException e) {
            throw new IOException("the file shrank below " + (at + chunk.length) + " bytes while it was copied", e);
        }
    }

    @Override
    boolean onFrame(Frame f) throws BadFrameException {
        switch (f.type()) {
            case DONE:
                Payloads.empty(f.payload());
                if (!endSent) {
                    throw unexpected(f, "DONE before the host's END");
                }
                succeed();
                return true;
            case ERROR:
                failWith(Payloads.ErrorReply.decode(f.payload()), "the agent refused it");
                return true;
            default:
                throw unexpected(f, f.type() + " is not an answer to PUT");
        }
    }
}
