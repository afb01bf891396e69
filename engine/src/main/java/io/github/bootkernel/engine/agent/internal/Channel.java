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
 *
 * <p>A snapshot {@linkplain #freeze freezes} the channel (callers' new requests wait, the writer
 * takes no frame), {@linkplain #capture captures} what it knows into a {@link ChannelState}, and
 * either lets the source end or {@linkplain #thaw thaws} it. A clone's channel starts from such a
 * state ({@link #Channel(InputStream, OutputStream, String, Duration, KlogReceiver, ChannelState)})
 * and sends RESEED first ({@link ReseedCall}): at once when the state was connected, else after
 * the agent's HELLO. Callers' requests wait for its answer and fail if the agent could not reseed.
 */
final class Channel {

    private static final System.Logger LOG = System.getLogger(Channel.class.getName());
    private static final AtomicInteger CHANNELS = new AtomicInteger();
    /** How long {@link #close()} waits for each thread to end. */
    private static final Duration JOIN = Duration.ofSeconds(2);

    /**
     * A connection to one run of the agent: from its HELLO to the channel's end or its next HELLO.
     *
     * @param id the session's number, 1 for the channel's first
     * @param agent the agent's name from its HELLO
     * @param version the protocol version WELCOME chose
     */
    record Session(int id, String agent, int version) {
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
    /** A snapshot holds the channel: callers' new requests wait. */
    private boolean frozen;
    /** A clone's channel: RESEED is still to be sent (after the next HELLO). */
    private boolean reseedWanted;
    /** The RESEED in flight: callers' requests wait for its answer. */
    private ReseedCall reseeding;
    /** Why the agent could not reseed this clone; callers' requests then fail. */
    private String reseedFailure;
    /** The reader's frame reader, once it runs; read by {@link #capture} while the reader waits. */
    private volatile FrameReader frames;
    /** The reader's first bytes and their offset: a clone's partial frame. */
    private final byte[] startPrefix;
    private final long startOffset;
    /** The KLOG request a clone's channel starts with; handed to the receiver by {@link #start()}. */
    private KlogCall restoredKlog;

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
        this(in, out, description, killGrace, klog, null);
    }

    /**
     * Creates a clone's channel from the state of its snapshot's (or, with {@code restored} null,
     * a new channel); {@link #start()} starts its threads. A connected state queues its frames for
     * the agent again, takes its KLOG request back (with its SYNCs still to be answered) and sends
     * RESEED after them; a waiting one sends RESEED after the agent's HELLO and WELCOME.
     *
     * @param in the agent's output, from where the snapshot's reader stopped
     * @param out the agent's input
     * @param description the agent's place, for messages
     * @param killGrace see {@link ExecCall}
     * @param klog where the kernel log's records go; null: no KLOG request
     * @param restored the snapshot's channel state; null for a new channel that does not reseed
     * @throws IllegalArgumentException if the state has a KLOG request and there is no receiver
     */
    Channel(InputStream in, OutputStream out, String description, Duration killGrace, KlogReceiver klog,
            ChannelState restored) {
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
        this.startPrefix = restored == null ? new byte[0] : restored.partialFrame();
        this.startOffset = restored == null ? 0 : restored.partialOffset();
        if (restored != null) {
            restore(restored);
        }
    }

    /** Takes a snapshot's state: before the threads start. */
    private synchronized void restore(ChannelState saved) {
        reseedWanted = true;
        nextId = saved.nextId();
        if (!saved.connected()) {
            return;
        }
        session = saved.session();
        state = State.CONNECTED;
        outbox.newSession(session.id());
        for (byte[] frame : saved.outgoing()) {
            outbox.send(frame, session.id());
        }
        if (saved.klogId() != 0) {
            if (klog == null) {
                throw new IllegalArgumentException("the snapshot's channel streams the kernel log, this one has no receiver");
            }
            restoredKlog = new KlogCall(this, klog);
            restoredKlog.expectSynced(saved.pendingSyncs());
            restoredKlog.bind(saved.klogId(), session.id());
            calls.put(saved.klogId(), restoredKlog);
        }
        startReseed(session);
    }

    /**
     * Sends RESEED in a clone's session, or records why it cannot: a version 2 agent has none.
     * Holding this.
     */
    private void startReseed(Session s) {
        assert Thread.holdsLock(this);
        reseedWanted = false;
        if (s.version() < Payloads.RESEED_VERSION) {
            reseeded("the agent (\"" + s.agent() + "\") speaks protocol version " + s.version() + ", which cannot"
                    + " reseed a clone (RESEED came with version " + Payloads.RESEED_VERSION + "): boot an image"
                    + " built with this version's agent");
            return;
        }
        ReseedCall call = new ReseedCall(this, this::reseeded);
        reseeding = call;
        register(call, s, FrameType.RESEED, ReseedCall.payload());
    }

    /** The RESEED's outcome: null when done, else why not. */
    private void reseeded(String failure) {
        synchronized (this) {
            reseeding = null;
            reseedFailure = failure;
            notifyAll();
        }
        if (failure != null) {
            LOG.log(Level.WARNING, "the clone on {0} was not reseeded, so it shares its random state with every"
                    + " other clone of its snapshot; its agent refuses requests: {1}", description, failure);
        }
    }

    /** Starts the reader and writer threads. */
    void start() {
        KlogCall klogCall;
        synchronized (this) {
            klogCall = restoredKlog;
        }
        if (klogCall != null) {
            try {
                klog.streaming(klogCall);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "the kernel log receiver of the agent on " + description + " failed", e);
            }
        }
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

    /**
     * @return whether the agent's HELLO was answered, the channel has not ended, and (in a clone)
     *     the agent reseeded the guest
     */
    synchronized boolean isConnected() {
        return state == State.CONNECTED && reseeding == null && reseedFailure == null;
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
            if (state == State.CONNECTED && reseedFailure != null) {
                throw new AgentException(Reason.REQUEST_FAILED, "cannot " + what + ": " + reseedFailure, 0, null);
            }
            if (state == State.CONNECTED && reseeding == null && !frozen) {
                return session;
            }
            if (!deadline.await(this)) {
                if (state == State.CONNECTED && reseeding != null) {
                    throw new AgentException(Reason.NOT_CONNECTED, "cannot " + what + ": the agent on " + description
                            + " did not answer the clone's RESEED within " + deadline.describeLimit(), 0, null);
                }
                if (state == State.CONNECTED) {
                    throw new AgentException(Reason.NOT_CONNECTED, "cannot " + what + ": the machine on " + description
                            + " was being snapshotted for " + deadline.describeLimit(), 0, null);
                }
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

    /** @return whether the old run's requests held the RESEED, which the new run must get */
    private static boolean lostReseed(List<Call> lost) {
        return lost.stream().anyMatch(c -> c instanceof ReseedCall);
    }

    /**
     * Holds the channel for a snapshot: callers' new requests wait (within their own time limits)
     * until {@link #thaw()} or the channel's end, and the writer finishes the frame it is writing
     * and takes no other.
     *
     * @param deadline when to give up waiting for the frame being written
     * @return false if the frame being written was not taken by the deadline (the transport's
     *     reader, the guest, does not read); the channel stays frozen until {@link #thaw()}
     * @throws InterruptedException if the thread is interrupted; the channel stays frozen
     */
    boolean freeze(Deadline deadline) throws InterruptedException {
        synchronized (this) {
            frozen = true;
        }
        return outbox.freeze(deadline);
    }

    /** Lets requests and the writer go on after {@link #freeze}. */
    void thaw() {
        synchronized (this) {
            frozen = false;
            notifyAll();
        }
        outbox.thaw();
    }

    /**
     * Captures the channel's state for a snapshot. The caller has {@linkplain #freeze frozen} the
     * channel and made sure the reader waits for bytes that cannot come (the guest is held and
     * everything it sent was read): then the reader has handled every whole frame, and its
     * partial frame and this state stay as they are.
     *
     * @return the state
     * @throws IllegalStateException if the channel has ended, or a request other than the kernel
     *     log's is in flight (its caller waits for an answer the source will never give); the
     *     message names the requests
     */
    ChannelState capture() {
        FrameReader reader = this.frames;
        Session s;
        int next;
        KlogCall klogCall = null;
        synchronized (this) {
            if (!frozen) {
                throw new IllegalStateException("the channel is not frozen");
            }
            if (state == State.ENDED) {
                throw new IllegalStateException("the agent's channel has ended: " + endWhy);
            }
            List<String> busy = new ArrayList<>();
            for (Map.Entry<Integer, Call> e : calls.entrySet()) {
                if (e.getValue() instanceof KlogCall k) {
                    klogCall = k;
                } else {
                    busy.add("request " + Integer.toUnsignedString(e.getKey()) + " (" + e.getValue().what()
                            + (e.getValue().done() ? ", given up by its caller, its last frame not arrived" : "") + ")");
                }
            }
            if (!busy.isEmpty()) {
                throw new IllegalStateException("the guest agent is serving " + busy.size() + " request"
                        + (busy.size() == 1 ? "" : "s") + " of this machine's callers: " + String.join(", ", busy)
                        + "; a snapshot belongs to nobody's call: wait for them to end (or kill the programs) first");
            }
            s = state == State.CONNECTED ? session : null;
            next = nextId;
        }
        FrameReader.PartialFrame partial = reader == null ? new FrameReader.PartialFrame(startPrefix, startOffset)
                : reader.partialFrame();
        if (s == null) {
            return ChannelState.waiting(next, partial);
        }
        if (klogCall == null) {
            return new ChannelState(s.id(), s.agent(), s.version(), next, 0, 0, partial.bytes(), partial.offset(),
                    outbox.queued());
        }
        // Under the KLOG's monitor, as sync() queues its SYNC: the count and the queue agree.
        synchronized (klogCall) {
            return new ChannelState(s.id(), s.agent(), s.version(), next, klogCall.id(), klogCall.pendingSyncs(),
                    partial.bytes(), partial.offset(), outbox.queued());
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
        FrameReader frames = new FrameReader(in, FrameType.Sender.AGENT, Frame.MAX_PAYLOAD, startPrefix, startOffset);
        this.frames = frames;
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
        int version = Math.min(hello.maxVersion(), Payloads.VERSION);
        if (version < Math.max(hello.minVersion(), Payloads.MIN_VERSION)) {
            end(Reason.CHANNEL_BROKEN, "no protocol version in common: the agent on " + description + " (\""
                    + hello.agent() + "\") speaks versions " + hello.minVersion() + " to " + hello.maxVersion()
                    + ", the host " + Payloads.MIN_VERSION + " to " + Payloads.VERSION);
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
            session = new Session(session == null ? 1 : session.id() + 1, hello.agent(), version);
            reseeding = null; // a RESEED of the old run is lost with it; a new one follows below
            outbox.newSession(session.id());
            byte[] welcome = new Payloads.Welcome(version, Frame.MAX_PAYLOAD).encode();
            outbox.send(Frame.of(FrameType.WELCOME, 0, welcome).encode(Frame.MAX_PAYLOAD), session.id());
            if (klogPayload != null) {
                klogCall = new KlogCall(this, klog);
                register(klogCall, session, FrameType.KLOG, klogPayload);
            }
            if (reseedWanted || lostReseed(lost)) {
                startReseed(session);
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
