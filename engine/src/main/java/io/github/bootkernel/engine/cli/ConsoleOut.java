package io.github.bootkernel.engine.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Writes console bytes to where the console goes (stdout, stderr or the {@code --console-log}
 * file), flushing at line ends and prompts. It runs on the console's delivery thread, so an
 * output that blocks (a pipe nobody reads) stalls only that thread: the guest, its time limit and
 * the end of the tool go on, and the bytes it could not write are counted.
 */
final class ConsoleOut implements IntConsumer {
    private final OutputStream out;
    private final String name;
    /** Held while writing; the main thread only tries it, so a blocked write never blocks it. */
    private final ReentrantLock lock = new ReentrantLock();
    private final byte[] buf = new byte[8192];
    private int len;
    /** Bytes of the write in progress, for {@link #finish} while a write is blocked. */
    private volatile int writing;
    private long failed;
    private IOException failure;
    /** The last byte written to {@link #out}, or {@code '\n'} before the first. */
    private int lastWritten = '\n';

    /**
     * @param out where the console goes
     * @param name its name in the summary line: {@code stdout}, {@code stderr}, or the file
     */
    ConsoleOut(OutputStream out, String name) {
        this.out = out;
        this.name = name;
    }

    @Override
    public void accept(int b) {
        lock.lock();
        try {
            buf[len++] = (byte) b;
            if (b == '\n' || b == ' ' || len == buf.length) {
                flush();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes the buffer; the lock is held. */
    private void flush() {
        if (len == 0) {
            return;
        }
        writing = len;
        try {
            out.write(buf, 0, len);
            out.flush();
            lastWritten = buf[len - 1];
        } catch (IOException e) {
            // the output is gone: keep running the guest, count its output as dropped
            failed += len;
            failure = e;
        }
        writing = 0;
        len = 0;
    }

    /**
     * Ends the console's last line when the console goes to {@code stream} and stopped in the
     * middle of one (a shell's prompt), so the tool's own messages that follow start a line. Does
     * nothing while a write is blocked.
     *
     * @param stream the stream the tool's messages go to
     */
    void breakLineBefore(OutputStream stream) {
        if (stream != out || !lock.tryLock()) {
            return;
        }
        try {
            flush();
            if (lastWritten != '\n' && failure == null) {
                buf[len++] = '\n';
                flush();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes what is left unless a write is still blocked (the console's delivery thread was
     * abandoned in it), and says what was lost.
     *
     * @param undelivered console bytes the machine did not hand to this sink
     * @return {@code ""}, or {@code ", N console bytes dropped: stdout blocked"} (or
     *     {@code "...: stdout failed: <error>"}, with the output's name) for the summary line
     */
    String finish(long undelivered) {
        long lost = undelivered;
        boolean blocked = !lock.tryLock();
        if (blocked) {
            // the byte whose accept() is stuck in this write is in undelivered already
            lost += Math.max(0, writing - 1);
        } else {
            try {
                flush();
                lost += failed;
            } finally {
                lock.unlock();
            }
        }
        if (lost == 0) {
            return "";
        }
        String why = failure != null && !blocked ? name + " failed: " + failure.getMessage() : name + " blocked";
        return ", " + lost + " console bytes dropped: " + why;
    }
}
