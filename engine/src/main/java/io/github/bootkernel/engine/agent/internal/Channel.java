package io.github.bootkernel.engine.agent.internal;

import io.github.bootkernel.engine.AgentException;
import io.github.bootkernel.engine.AgentException.Reason;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The channel to one agent: its state (waiting for HELLO, connected, ended), the handshake, the
 * requests in flight by id, and three daemon threads: the reader ({@code bootkernel-agent-reader-N})
 * decodes frames and hands each to its request; the writer ({@code bootkernel-agent-writer-N}, see
 * {@link Outbox}); the timer ({@code bootkernel-agent-timer-N}) that enforces time limits.
 *
 * <p>The channel ends once, for the first of: {@link #end}, a bad frame, the agent's FATAL, the end
 * of the agent's stream, a failed read or write, {@link #close()}. Every request in flight then
 * fails with that reason, and so does every later one. A new HELLO while connected (the agent
 * restarted) fails the requests in flight and starts a new session.
 *
 * <p>With a {@link KlogReceiver}, every session starts with a KLOG request right after WELCOME
 * (queued with it, in the same session), asking for the records from the receiver's
 * {@link KlogReceiver#nextSequence()}: on the first connection and after every restart of the agent.
 * The receiver then gets the request as its {@link KlogSyncer} ({@link KlogReceiver#streaming}).
 */
final class Channel {

    private static final System.Logger LOG = System.getLogger(Channel.class.getName());
    private static final AtomicInteger CHANNELS = new AtomicInteger();
    /** How long {@link #close()} waits for each thread to end. */
    private static final Duration JOIN = Duration.ofSeconds(2);

    /** A connection to one run of the agent: from its HELLO to the channel's end or its next HELLO. */
    record Session(int id, String agent) {
    }

    private enum State { WAITING, CONNECTED, ENDED }

    private final InputStream in;
    private final OutputStream out;
    private final String description;
    private final Duration killGrace;
    private final KlogReceiver klog;
    private final Outbox outbox;
    private final ScheduledThreadPoolExecutor timer;
    /** The timer's one thread, once it has started; joined by {@link #close()}. */
    private volatile Thread timerThread;
    private final Thread reader;
    private final String writerName;
    // Guarded by this.
    private State state = State.WAITING;
    private Session session;
    private final Map<Integer, Call> calls = new HashMap<>();
    private int nextId = 1;
    private Reason endReason;
    private String endWhy;

    /**
     * Creates the channel; {@link #start()} starts its threads.
     *
     * @param in the agent's output
     * @param out the agent's input
     * @param description the agent's place, for messages
     * @param killGrace how long after the SIGKILL at its time limit a program's end may take to be
     *     reported (see {@link ExecCall})
     * @param klog where the kernel log's records go; null: no KLOG request
     */
    Channel(InputStream in, OutputStream out, String description, Duration killGrace, KlogReceiver klog) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.description = Objects.requireNonNull(description, "description");
        this.killGrace = Objects.requireNonNull(killGrace, "killGrace");
        this.klog = klog;
        this.outbox = new Outbox(out, e -> end(Reason.CHANNEL_BROKEN, "writing to the agent on " + description
                + " failed: " + e));
        int n = CHANNELS.incrementAndGet();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bootkernel-agent-timer-" + n);
            t.setDaemon(true);
            timerThread = t;
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.reader = new Thread(this::read, "bootkernel-agent-reader-" + n);
        reader.setDaemon(true);
        this.writerName = "bootkernel-agent-writer-" + n;
    }

    /** Starts the reader and writer threads. */
    void start() {
        outbox.start(writerName);
        reader.start();
    }

    /** @return the agent's place, as given */
    String description() {
        return description;
    }

    /** @return how long after the SIGKILL at its time limit a program's end may take to be reported */
    Duration killGrace() {
        return killGrace;
    }

    /** @return whether the agent's HELLO was answered and the channel has not ended */
    synchronized boolean isConnected() {
        return state == State.CONNECTED;
    }

    /**
     * Waits until the agent has connected.
     *
     * @param deadline when to give up
     * @param what the request that waits, for messages, for example {@code "run 'ls'"}
     * @return the session
     * @throws AgentException if the channel ended, or NOT_CONNECTED at the deadline
     * @throws InterruptedException if the thread is interrupted
     */
    synchronized Session awaitSession(Deadline deadline, String what) throws InterruptedException {
        while (true) {
            if (state == State.ENDED) {
                throw Failure.of(endReason, "cannot " + what + ": " + endWhy).toException();
            }
            if (state == State.CONNECTED) {
                return session;
            }
            if (!deadline.await(this)) {
                throw new AgentException(Reason.NOT_CONNECTED, "cannot " + what + ": the agent on " + description
                        + " did not connect within " + deadline.describeLimit() + " (no HELLO on its channel)", 0, null);
            }
        }
    }

    /**
     * Waits until the agent has connected, registers a request with a new id and queues its first
     * frame: atomically, so a restart of the agent cannot come between.
     *
     * @param call the request
     * @param deadline when to give up waiting for the agent
     * @param type its first frame's type
     * @param payload its first frame's payload
     * @throws AgentException as {@link #awaitSession}
     * @throws InterruptedException if the thread is interrupted
     */
    synchronized void submit(Call call, Deadline deadline, FrameType type, byte[] payload) throws InterruptedException {
        Session s = awaitSession(deadline, call.what());
        register(call, s, type, payload);
    }

    /** Gives a request a new id in a session and queues its first frame; holding this. */
    private void register(Call call, Session s, FrameType type, byte[] payload) {
        assert Thread.holdsLock(this);
        int id;
        do {
            id = nextId++;
        } while (id == 0 || calls.containsKey(id));
        call.bind(id, s.id());
        calls.put(id, call);
        outbox.send(Frame.of(type, id, payload).encode(Frame.MAX_PAYLOAD), s.id());
    }

    /**
     * Queues a frame of a request; never waits.
     *
     * @param call the request
     * @param type the type
     * @param payload the payload
     * @return false if it was dropped because the request's session is over
     */
    boolean send(Call call, FrameType type, byte[] payload) {
        return outbox.send(Frame.of(type, call.id(), payload).encode(Frame.MAX_PAYLOAD), call.session());
    }

    /**
     * Queues a DATA frame of a request once there is room.
     *
     * @param call the request
     * @param payload the data
     * @param deadline when to give up waiting for room
     * @return false if it was dropped: the deadline passed or the request's session is over
     * @throws InterruptedException if the thread is interrupted
     */
    boolean sendData(Call call, byte[] payload, Deadline deadline) throws InterruptedException {
        return outbox.sendData(Frame.of(FrameType.DATA, call.id(), payload).encode(Frame.MAX_PAYLOAD), call.session(),
                deadline);
    }

    /**
     * Runs {@code task} on the timer thread at {@code deadline}.
     *
     * @param task what to run; it must be quick and must not block
     * @param deadline when
     * @return the scheduled task, or null once the channel is closed
     */
    ScheduledFuture<?> schedule(Runnable task, Deadline deadline) {
        try {
            return timer.schedule(task, Math.max(0, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            return null;
        }
    }

    /**
     * Ends the channel, unless it has ended already: every request in flight and every later one
     * fails with {@code reason} and {@code why}.
     *
     * @param reason why, for the exceptions
     * @param why what happened, for the messages
     */
    void end(Reason reason, String why) {
        List<Call> failed;
        synchronized (this) {
            if (state == State.ENDED) {
                return;
            }
            state = State.ENDED;
            endReason = reason;
            endWhy = why;
            failed = new ArrayList<>(calls.values());
            calls.clear();
            notifyAll();
        }
        LOG.log(Level.DEBUG, "agent channel on {0} ended: {1}", description, why);
        outbox.close();
        for (Call c : failed) {
            c.fail(reason, why);
        }
    }

    /**
     * Ends the channel (if it has not ended), closes both streams and stops the threads, waiting
     * for each at most 2 s.
     */
    void close() {
        end(Reason.GUEST_ENDED, "the connection to the agent on " + description + " was closed");
        timer.shutdownNow();
        closeQuietly(in);
        closeQuietly(out);
        Thread writer = outbox.thread();
        try {
            for (Thread t : new Thread[] {reader, writer}) {
                if (t != null && t != Thread.currentThread()) {
                    t.interrupt();
                    t.join(JOIN.toMillis());
                    if (t.isAlive()) {
                        LOG.log(Level.WARNING, "{0} did not end within {1} of close(): its stream does not end on"
                                + " close or interrupt", t.getName(), Deadline.describe(JOIN));
                    }
                }
            }
            timer.awaitTermination(JOIN.toMillis(), TimeUnit.MILLISECONDS);
            // A terminated pool's worker may still be on its way out of run(): wait for the thread.
            Thread timerDone = timerThread;
            if (timerDone != null && timerDone != Thread.currentThread()) {
                timerDone.join(JOIN.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read() {
        FrameReader frames = new FrameReader(in, FrameType.Sender.AGENT, Frame.MAX_PAYLOAD);
        try {
            while (true) {
                Frame f = frames.read();
                if (f == null) {
                    end(Reason.GUEST_ENDED, "the channel to the agent on " + description + " ended (end of its stream"
                            + " at offset " + frames.offset() + ")");
                    return;
                }
                if (!dispatch(f)) {
                    return;
                }
            }
        } catch (BadFrameException e) {
            end(Reason.CHANNEL_BROKEN, "the channel to the agent on " + description + " broke: " + e.getMessage());
        } catch (IOException e) {
            end(Reason.CHANNEL_BROKEN, "reading from the agent on " + description + " failed: " + e);
        } catch (RuntimeException | Error e) {
            end(Reason.CHANNEL_BROKEN, "the reader of the channel to the agent on " + description + " failed: " + e);
            throw e;
        }
    }

    /** @return false once the channel is over */
    private boolean dispatch(Frame f) throws BadFrameException {
        try {
            switch (f.type()) {
                case HELLO:
                    return hello(f);
                case FATAL:
                    end(Reason.CHANNEL_BROKEN, "the agent on " + description + " gave up the channel: FATAL \""
                            + Payloads.Fatal.decode(f.payload()).message() + "\" (" + f.describe() + ")");
                    return false;
                default:
                    Call call;
                    synchronized (this) {
                        if (state == State.ENDED) {
                            return false;
                        }
                        if (state == State.WAITING) {
                            throw new BadFrameException(f, "a request's frame before the agent's HELLO");
                        }
                        call = calls.get(f.requestId());
                    }
                    if (call == null) {
                        throw new BadFrameException(f, "no request " + Integer.toUnsignedString(f.requestId())
                                + " is in flight");
                    }
                    if (call.onFrame(f)) {
                        synchronized (this) {
                            calls.remove(f.requestId(), call);
                        }
                    }
                    return true;
            }
        } catch (MalformedPayloadException e) {
            throw new BadFrameException(f, "its payload does not parse: " + e.getMessage());
        }
    }

    private boolean hello(Frame f) {
        Payloads.Hello hello = Payloads.Hello.decode(f.payload());
        if (hello.minVersion() > Payloads.VERSION || hello.maxVersion() < Payloads.VERSION) {
            end(Reason.CHANNEL_BROKEN, "no protocol version in common: the agent on " + description + " (\""
                    + hello.agent() + "\") speaks versions " + hello.minVersion() + " to " + hello.maxVersion()
                    + ", the host " + Payloads.VERSION + " to " + Payloads.VERSION);
            return false;
        }
        // Asked here, on the reader thread, after every frame of the old session was handed on.
        byte[] klogPayload = klogPayload();
        KlogCall klogCall = null;
        List<Call> lost;
        synchronized (this) {
            if (state == State.ENDED) {
                return false;
            }
            lost = new ArrayList<>(calls.values());
            calls.clear();
            session = new Session(session == null ? 1 : session.id() + 1, hello.agent());
            outbox.newSession(session.id());
            byte[] welcome = new Payloads.Welcome(Payloads.VERSION, Frame.MAX_PAYLOAD).encode();
            outbox.send(Frame.of(FrameType.WELCOME, 0, welcome).encode(Frame.MAX_PAYLOAD), session.id());
            if (klogPayload != null) {
                klogCall = new KlogCall(this, klog);
                register(klogCall, session, FrameType.KLOG, klogPayload);
            }
            state = State.CONNECTED;
            notifyAll();
        }
        LOG.log(Level.DEBUG, "agent on {0} connected: {1}", description, hello.agent());
        for (Call c : lost) {
            c.fail(Reason.CHANNEL_BROKEN, "the agent on " + description + " restarted (a new " + f.describe()
                    + "): the request was lost with its old run");
        }
        if (klogCall != null) {
            // Here on the reader thread, before the new request's first frame is read.
            try {
                klog.streaming(klogCall);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the kernel log receiver of the agent on " + description + " failed", e);
            }
        }
        return true;
    }

    /** @return the KLOG payload for a new session, or null without a receiver (or with a broken one) */
    private byte[] klogPayload() {
        if (klog == null) {
            return null;
        }
        try {
            return KlogCall.payload(klog);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the kernel log receiver of the agent on " + description + " failed; no KLOG", e);
            return null;
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing an agent stream failed", e);
        }
    }
}
