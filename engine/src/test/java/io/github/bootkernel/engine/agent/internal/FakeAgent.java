package io.github.bootkernel.engine.agent.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.CRC32;

/**
 * The agent side of the protocol in Java, for the client's tests, over two {@link BytePipe}s: it
 * serves EXEC with programs written in Java (one thread each), PUT and GET with files kept in
 * memory, and follows the agent's rules of {@code docs/guest-agent-protocol.md} (KILL for an ended
 * request is ignored; the DATA and END of a refused PUT are discarded; a bad frame from the host
 * is answered with FATAL; KLOG is received and left to the test to answer). Tests make it misbehave by sending frames or bytes of their own, by
 * answering some request types themselves ({@link #manual}), or by closing its output.
 */
final class FakeAgent implements AutoCloseable {

    /** A program: writes output through its {@link Proc}; returns its exit status, or -signal. */
    interface Program {
        int run(Proc proc) throws Exception;
    }

    /** A guest file. */
    record StoredFile(byte[] content, int mode) {
    }

    static final int ENOENT = 2;
    static final int EFBIG = 27;
    static final int EINVAL = 22;

    final BytePipe toHost;
    final BytePipe toAgent;
    final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    /** Every frame the host sent, in order. */
    final List<Frame> received = new CopyOnWriteArrayList<>();
    private final Map<String, Program> programs = new ConcurrentHashMap<>();
    private final Map<Integer, Proc> running = new ConcurrentHashMap<>();
    private final Map<Integer, Put> puts = new ConcurrentHashMap<>();
    private final Set<FrameType> manual = EnumSet.noneOf(FrameType.class);
    private final AtomicInteger pids = new AtomicInteger(100);
    private final Thread reader;
    private volatile int run;
    private volatile boolean ignoreKill;
    private volatile FrameType deafAfter;
    private volatile String fatal;
    private AgentClient connected;

    private static final class Put {
        final Payloads.Put request;
        final boolean refused;
        final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();

        Put(Payloads.Put request, boolean refused) {
            this.request = request;
            this.refused = refused;
        }
    }

    /** A running program. */
    final class Proc {
        final int id;
        final Payloads.ExecRequest request;
        final BlockingQueue<Integer> signals = new LinkedBlockingQueue<>();
        private final int ofRun;

        Proc(int id, Payloads.ExecRequest request, int ofRun) {
            this.id = id;
            this.request = request;
            this.ofRun = ofRun;
        }

        void out(byte[] b) throws IOException {
            chunks(FrameType.STDOUT, b);
        }

        void out(String s) throws IOException {
            out(s.getBytes(StandardCharsets.UTF_8));
        }

        void err(String s) throws IOException {
            chunks(FrameType.STDERR, s.getBytes(StandardCharsets.UTF_8));
        }

        void err(byte[] b) throws IOException {
            chunks(FrameType.STDERR, b);
        }

        /** @return the next signal the host sends */
        int awaitSignal() throws InterruptedException {
            return signals.take();
        }

        private void chunks(FrameType type, byte[] b) throws IOException {
            for (int at = 0; at < b.length; at += Frame.MAX_PAYLOAD) {
                send(type, Arrays.copyOfRange(b, at, Math.min(b.length, at + Frame.MAX_PAYLOAD)));
            }
        }

        void send(FrameType type, byte[] payload) throws IOException {
            if (ofRun == run) {
                FakeAgent.this.send(type, id, payload);
            }
        }
    }

    /** @param capacity each pipe's buffer */
    FakeAgent(int capacity) {
        toHost = new BytePipe(capacity);
        toAgent = new BytePipe(capacity);
        program("true", p -> 0);
        program("exit", p -> Integer.parseInt(p.request.argv().get(1)));
        program("outerr", p -> {
            p.out("out\n");
            p.err("err\n");
            return 7;
        });
        program("echo", p -> {
            p.out(String.join(" ", p.request.argv().subList(1, p.request.argv().size())) + "\n");
            return 0;
        });
        program("sleep", p -> -p.awaitSignal());
        program("segv", p -> {
            p.out("dying\n");
            return -11;
        });
        reader = new Thread(this::read, "fake-agent");
        reader.setDaemon(true);
        reader.start();
    }

    FakeAgent() {
        this(1 << 16);
    }

    /** @return a client of this agent */
    AgentClient client() {
        return client(ExecCall.KILL_GRACE);
    }

    /** @return a client of this agent with another grace after a SIGKILL at a time limit */
    AgentClient client(Duration killGrace) {
        return new AgentClient(toHost.in, toAgent.out, "the fake agent", killGrace, null);
    }

    /** @return a client of this agent that streams the kernel log to {@code klog} */
    AgentClient client(KlogReceiver klog) {
        return new AgentClient(toHost.in, toAgent.out, "the fake agent", ExecCall.KILL_GRACE, klog);
    }

    /**
     * Sends HELLO and waits until a new client has answered it; {@link #close()} closes the client.
     *
     * @param killGrace the client's grace after a SIGKILL at a time limit
     * @return the connected client
     */
    AgentClient connect(Duration killGrace) throws IOException, InterruptedException {
        connected = client(killGrace);
        hello();
        connected.awaitConnected(Duration.ofSeconds(5));
        return connected;
    }

    void program(String name, Program program) {
        programs.put(name, program);
    }

    /** Lets the test answer requests of these types itself. */
    synchronized void manual(FrameType... types) {
        manual.addAll(List.of(types));
    }

    /** After a frame of this type it reads nothing more: the host's writes block once the pipe is full. */
    void deafAfter(FrameType type) {
        deafAfter = type;
    }

    /** KILL frames are received but not acted on: a wedged agent. */
    void ignoreKill() {
        ignoreKill = true;
    }

    /** Sends HELLO for version 2 (no RESEED); again, it is a restart: what ran is forgotten. */
    void hello() throws IOException {
        hello(2, 2, Frame.MAX_PAYLOAD);
    }

    void hello(int min, int max, long maxPayload) throws IOException {
        run++;
        running.values().forEach(p -> p.signals.add(-1));
        running.clear();
        puts.clear();
        send(FrameType.HELLO, 0, new Payloads.Hello(min, max, maxPayload, "fake-agent 1").encode());
    }

    /** Sends a frame of its own. */
    void send(FrameType type, int id, byte[] payload) throws IOException {
        sendRaw(Frame.of(type, id, payload).encode(Integer.MAX_VALUE));
    }

    /** Sends raw bytes. */
    void sendRaw(byte[] bytes) throws IOException {
        synchronized (toHost) {
            toHost.out.write(bytes);
        }
    }

    /** Ends its output: the end of the host's input stream. */
    void closeOutput() {
        toHost.closeWriter();
    }

    /** @return the reason of the FATAL it sent, or null */
    String fatal() {
        return fatal;
    }

    /**
     * Waits for a frame from the host.
     *
     * @param match what to wait for
     * @param timeout how long
     * @return the first frame received that matches
     */
    Frame await(Predicate<Frame> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (Frame f : received) {
                    if (match.test(f)) {
                        return f;
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no such frame from the host within " + timeout + "; got " + received);
                }
                TimeUnit.NANOSECONDS.timedWait(received, left);
            }
        }
    }

    Frame await(FrameType type) throws InterruptedException {
        return await(f -> f.type() == type, Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        if (connected != null) {
            connected.close();
        }
        toHost.closeWriter();
        toAgent.closeReader();
        running.values().forEach(p -> p.signals.add(-1));
        reader.interrupt();
    }

    private void read() {
        FrameReader frames = new FrameReader(toAgent.in, FrameType.Sender.HOST, Frame.MAX_PAYLOAD);
        try {
            Frame f;
            while ((f = frames.read()) != null) {
                synchronized (received) {
                    received.add(f);
                    received.notifyAll();
                }
                boolean byHand;
                synchronized (this) {
                    byHand = manual.contains(f.type());
                }
                if (f.type() == deafAfter) {
                    return;
                }
                if (!byHand) {
                    serve(f);
                }
            }
        } catch (BadFrameException e) {
            fatal = e.getMessage();
            try {
                send(FrameType.FATAL, 0, new Payloads.Fatal(e.getMessage()).encode());
            } catch (IOException gone) {
                // the host is gone too
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serve(Frame f) throws IOException {
        int id = f.requestId();
        switch (f.type()) {
            case WELCOME:
            case KLOG: // the tests send its RECORDS, LOST, ERROR or SYNCED themselves
            case SYNC:
                return;
            case RESEED: // answered as an agent that could do everything; manual(RESEED) to answer otherwise
                Payloads.Reseed.decode(f.payload());
                send(FrameType.DONE, id, new byte[0]);
                return;
            case EXEC: {
                Payloads.ExecRequest request = Payloads.ExecRequest.decode(f.payload());
                Program program = programs.get(request.argv().get(0));
                if (program == null) {
                    send(FrameType.ERROR, id, new Payloads.ErrorReply(ENOENT, "No such file or directory").encode());
                    return;
                }
                Proc proc = new Proc(id, request, run);
                running.put(id, proc);
                Thread t = new Thread(() -> runProgram(proc, program), "fake-program-" + id);
                t.setDaemon(true);
                t.start();
                return;
            }
            case KILL: {
                Proc proc = running.get(id);
                if (proc != null && !ignoreKill) {
                    proc.signals.add((int) Payloads.Kill.decode(f.payload()).signal());
                }
                return;
            }
            case PUT: {
                Payloads.Put request = Payloads.Put.decode(f.payload());
                boolean refused = request.path().startsWith("/missing/");
                puts.put(id, new Put(request, refused));
                if (refused) {
                    send(FrameType.ERROR, id, new Payloads.ErrorReply(ENOENT, "No such file or directory").encode());
                }
                return;
            }
            case DATA: {
                Put put = puts.get(id);
                if (!put.refused) {
                    put.data.write(f.payload());
                }
                return;
            }
            case END: {
                Put put = puts.remove(id);
                Payloads.End end = Payloads.End.decode(f.payload());
                if (put.refused) {
                    return;
                }
                byte[] content = put.data.toByteArray();
                CRC32 crc = new CRC32();
                crc.update(content);
                if (end.size() != put.request.size() || content.length != end.size() || crc.getValue() != end.crc32()) {
                    send(FrameType.ERROR, id, new Payloads.ErrorReply(EINVAL, "size or CRC-32 does not match").encode());
                    return;
                }
                files.put(put.request.path(), new StoredFile(content, (int) put.request.mode()));
                send(FrameType.DONE, id, new byte[0]);
                return;
            }
            case GET: {
                Payloads.Get request = Payloads.Get.decode(f.payload());
                Thread t = new Thread(() -> serveGet(id, request), "fake-get-" + id);
                t.setDaemon(true);
                t.start();
                return;
            }
            default:
                throw new AssertionError("the fake agent got " + f);
        }
    }

    private void runProgram(Proc proc, Program program) {
        try {
            proc.send(FrameType.STARTED, new Payloads.Started(pids.incrementAndGet()).encode());
            int status = program.run(proc);
            running.remove(proc.id);
            if (status >= 0) {
                proc.send(FrameType.EXITED, new Payloads.Exited(status).encode());
            } else if (status != -1) { // -1: forgotten at a restart
                proc.send(FrameType.SIGNALED, new Payloads.Signaled(-status, false).encode());
            }
        } catch (Exception e) {
            // the host is gone
        }
    }

    private void serveGet(int id, Payloads.Get request) {
        try {
            StoredFile file = files.get(request.path());
            if (file == null) {
                send(FrameType.ERROR, id, new Payloads.ErrorReply(ENOENT, "No such file or directory").encode());
                return;
            }
            if (file.content.length > request.maxSize()) {
                send(FrameType.ERROR, id, new Payloads.ErrorReply(EFBIG, "File too large").encode());
                return;
            }
            send(FrameType.FILE, id, new Payloads.FileInfo(file.mode, file.content.length).encode());
            for (int at = 0; at < file.content.length; at += Frame.MAX_PAYLOAD) {
                send(FrameType.DATA, id, Arrays.copyOfRange(file.content, at, Math.min(file.content.length,
                        at + Frame.MAX_PAYLOAD)));
            }
            CRC32 crc = new CRC32();
            crc.update(file.content);
            send(FrameType.END, id, new Payloads.End(file.content.length, crc.getValue()).encode());
        } catch (IOException e) {
            // the host is gone
        }
    }
}
