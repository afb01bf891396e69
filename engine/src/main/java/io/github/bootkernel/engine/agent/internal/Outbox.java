package io.github.bootkernel.engine.agent.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The frames on their way to the agent, and the thread that writes them. One writer thread puts
 * whole frames onto the stream, one after the other, so no frame ever interleaves with another;
 * a write may block as long as the transport applies backpressure, and only the writer thread
 * waits for it: a request gives up at its time limit instead.
 *
 * <p>Small frames (requests, KILL, END, WELCOME) are always accepted. File data waits for room
 * ({@link #DATA_BUDGET} bytes queued at most), so a copy reads its host file only as fast as the
 * agent takes it. Each frame belongs to a session ({@link #newSession}): when the agent restarts,
 * frames queued for its old session are dropped, never sent to the new one.
 *
 * <p>For a snapshot the outbox can be frozen ({@link #freeze}): the writer finishes the frame it
 * is writing, if it can, and takes no other; {@link #queued()} then gives what waits, and a clone's
 * outbox starts with it ({@link #newSession} and {@link #send}, before {@link #start}).
 */
final class Outbox {

    /** The most bytes of DATA frames queued. */
    static final int DATA_BUDGET = 4 * (Frame.MAX_PAYLOAD + Frame.HEADER_BYTES + Frame.TRAILER_BYTES);

    private record Entry(byte[] frame, int session, boolean data) {
    }

    private final OutputStream out;
    private final Consumer<IOException> onWriteFailure;
    // Guarded by this.
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long dataQueued;
    private int session;
    private boolean closed;
    /** The writer takes no frame while frozen. */
    private boolean frozen;
    /** The writer is inside a write to the stream. */
    private boolean writing;
    private Thread thread;

    /**
     * @param out the stream to the agent
     * @param onWriteFailure told once if a write fails; the outbox then closes
     */
    Outbox(OutputStream out, Consumer<IOException> onWriteFailure) {
        this.out = Objects.requireNonNull(out, "out");
        this.onWriteFailure = Objects.requireNonNull(onWriteFailure, "onWriteFailure");
    }

    /**
     * Starts the writer thread, a daemon.
     *
     * @param name the thread's name
     */
    synchronized void start(String name) {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the writer thread, or null before {@link #start} */
    synchronized Thread thread() {
        return thread;
    }

    /**
     * Starts a new session: queued frames of earlier ones are dropped, and later ones refused.
     *
     * @param id the new session's id, higher than every earlier one
     */
    synchronized void newSession(int id) {
        session = id;
        queue.removeIf(e -> e.session != id);
        dataQueued = queue.stream().filter(Entry::data).mapToLong(e -> e.frame.length).sum();
        notifyAll();
    }

    /**
     * Queues a frame; never waits.
     *
     * @param frame the encoded frame
     * @param sessionId the session it belongs to
     * @return false if it was dropped: its session is over, or the outbox is closed
     */
    synchronized boolean send(byte[] frame, int sessionId) {
        if (closed || sessionId != session) {
            return false;
        }
        queue.add(new Entry(frame, sessionId, false));
        notifyAll();
        return true;
    }

    /**
     * Queues a DATA frame once there is room for it.
     *
     * @param frame the encoded frame
     * @param sessionId the session it belongs to
     * @param deadline when to give up waiting for room
     * @return false if it was dropped: its session is over, the outbox is closed, or the deadline passed
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    synchronized boolean sendData(byte[] frame, int sessionId, Deadline deadline) throws InterruptedException {
        while (!closed && sessionId == session && dataQueued > 0 && dataQueued + frame.length > DATA_BUDGET) {
            if (!deadline.await(this)) {
                return false;
            }
        }
        if (closed || sessionId != session) {
            return false;
        }
        queue.add(new Entry(frame, sessionId, true));
        dataQueued += frame.length;
        notifyAll();
        return true;
    }

    /**
     * Stops the writer from taking frames (queuing goes on), and waits until it is not in the
     * middle of a write to the stream.
     *
     * @param deadline when to give up waiting for the write in progress
     * @return true if no write is in progress; false at the deadline (the stream does not take
     *     the frame: its reader is not reading), the outbox still frozen
     * @throws InterruptedException if the thread is interrupted
     */
    synchronized boolean freeze(Deadline deadline) throws InterruptedException {
        frozen = true;
        while (writing) {
            if (!deadline.await(this)) {
                return false;
            }
        }
        return true;
    }

    /** Lets the writer take frames again after {@link #freeze}. */
    synchronized void thaw() {
        frozen = false;
        notifyAll();
    }

    /**
     * The frames waiting to be written, oldest first: with the outbox frozen, those a snapshot
     * must hand to a clone's outbox.
     *
     * @return the encoded frames, copies
     */
    synchronized List<byte[]> queued() {
        return queue.stream().map(e -> e.frame.clone()).toList();
    }

    /** Drops what is queued and lets the writer thread end after the write it is in, if any. */
    synchronized void close() {
        closed = true;
        queue.clear();
        dataQueued = 0;
        notifyAll();
    }

    private void run() {
        try {
            while (true) {
                Entry next = take();
                if (next == null) {
                    return;
                }
                boolean idle;
                try {
                    out.write(next.frame);
                } finally {
                    synchronized (this) {
                        writing = false;
                        idle = queue.isEmpty();
                        notifyAll();
                    }
                }
                if (idle) {
                    out.flush();
                }
            }
        } catch (IOException e) {
            boolean expected;
            synchronized (this) {
                expected = closed;
                closed = true;
                queue.clear();
                notifyAll();
            }
            if (!expected) {
                onWriteFailure.accept(e);
            }
        }
    }

    private synchronized Entry take() {
        while ((queue.isEmpty() || frozen) && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                return null; // only close() interrupts this thread
            }
        }
        if (closed) {
            return null;
        }
        Entry e = queue.poll();
        writing = true;
        if (e.data) {
            dataQueued -= e.frame.length;
            notifyAll();
        }
        return e;
    }
}
