package io.github.bootkernel.kernels.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.kernels.Catalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The compiled agent (the catalog's {@code agent} item) running on this host with {@code --stdio},
 * driven frame by frame: a reader thread queues what it sends, the test writes requests.
 */
final class AgentUnderTest implements AutoCloseable {

    /** How long any single wait may take; every wait here ends well within it on a healthy agent. */
    static final long WAIT_SECONDS = 20;

    /** The frames that end a request. */
    private static final Set<Integer> LAST = Set.of(Frame.EXITED, Frame.SIGNALED, Frame.ERROR, Frame.DONE, Frame.END);

    /** Queued when the agent's output ends. */
    private static final Frame CLOSED = new Frame(-1, 0, new byte[0]);

    private final Process process;
    private final OutputStream toAgent;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Map<Integer, List<Frame>> early = new HashMap<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private volatile boolean paused;

    private AgentUnderTest(Process process) {
        this.process = process;
        this.toAgent = process.getOutputStream();
        daemon("agent frames", () -> {
            try (InputStream in = process.getInputStream()) {
                for (Frame frame = Frame.read(in); frame != null; frame = Frame.read(in)) {
                    frames.add(frame);
                    while (paused) {
                        Thread.sleep(10);
                    }
                }
            } catch (IOException | InterruptedException e) {
                frames.add(new Frame(-2, 0, String.valueOf(e).getBytes()));
            }
            frames.add(CLOSED);
        });
        daemon("agent log", () -> {
            try (InputStream in = process.getErrorStream()) {
                in.transferTo(logSink());
            } catch (IOException e) {
                // the agent ended
            }
        });
    }

    /** Starts the agent with {@code --stdio} and these arguments; its HELLO is the first frame to read. */
    static AgentUnderTest start(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Catalog.AGENT.get().path().toString(), "--stdio"));
        command.addAll(List.of(arguments));
        return new AgentUnderTest(new ProcessBuilder(command).start());
    }

    /** Starts the agent, reads its HELLO and answers WELCOME (version 2, as an older host, 64 KiB payloads). */
    static AgentUnderTest connected(String... arguments) throws IOException, InterruptedException {
        return connected(2, arguments);
    }

    /** Starts the agent, reads its HELLO and answers WELCOME with {@code version} and 64 KiB payloads. */
    static AgentUnderTest connected(int version, String... arguments) throws IOException, InterruptedException {
        AgentUnderTest agent = start(arguments);
        assertThat(agent.next().type()).isEqualTo(Frame.HELLO);
        agent.send(new Frame(Frame.WELCOME, 0, new Frame.Payload().u16(version).u32(65536).bytes()));
        return agent;
    }

    void send(Frame frame) throws IOException {
        sendBytes(frame.encode());
    }

    void sendBytes(byte[] bytes) throws IOException {
        toAgent.write(bytes);
        toAgent.flush();
    }

    /** Sends EXEC: no flags, the arguments, environment additions and a working directory. */
    void exec(int id, List<String> argv, List<String> env, String workdir) throws IOException {
        Frame.Payload payload = new Frame.Payload().u32(0).u16(argv.size());
        argv.forEach(payload::str);
        payload.u16(env.size());
        env.forEach(payload::str);
        send(new Frame(Frame.EXEC, id, payload.str(workdir).bytes()));
    }

    void exec(int id, String... argv) throws IOException {
        exec(id, List.of(argv), List.of(), "");
    }

    /** The next frame the agent sent, of any request; CLOSED's type is -1 once it ended. */
    Frame next() throws InterruptedException {
        Frame frame = frames.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame from the agent within " + WAIT_SECONDS + " s; its log: " + log());
        }
        return frame;
    }

    /** The next frame of one request; frames of others are kept for their own turn. */
    Frame next(int id) throws InterruptedException {
        List<Frame> kept = early.get(id);
        if (kept != null && !kept.isEmpty()) {
            return kept.remove(0);
        }
        for (;;) {
            Frame frame = next();
            if (frame.type() < 0 || frame.type() == Frame.FATAL) {
                throw new AssertionError("the agent ended while request " + id + " was waiting: "
                        + (frame.type() == Frame.FATAL ? frame.fields().str() : new String(frame.payload()))
                        + "; its log: " + log());
            }
            if (frame.id() == id) {
                return frame;
            }
            early.computeIfAbsent(frame.id(), key -> new ArrayList<>()).add(frame);
        }
    }

    /** Every frame of a request up to its last one (EXITED, SIGNALED, ERROR, DONE or END). */
    Outcome await(int id) throws InterruptedException {
        List<Frame> got = new ArrayList<>();
        for (Frame frame = next(id); ; frame = next(id)) {
            got.add(frame);
            if (LAST.contains(frame.type())) {
                return new Outcome(got);
            }
        }
    }

    /** Stops or resumes reading the agent's output, as a slow host: the agent's writes then block. */
    void pauseReading(boolean pause) {
        paused = pause;
    }

    /** Closes the agent's input, as a host that ends the channel. */
    void closeInput() throws IOException {
        toAgent.close();
    }

    /** Waits for the agent to exit and returns its status. */
    int exitStatus() throws InterruptedException {
        assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("the agent exits; its log: %s", log()).isTrue();
        return process.exitValue();
    }

    String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        process.onExit().orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    private OutputStream logSink() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (log) {
                    log.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (log) {
                    log.write(b, off, len);
                }
            }
        };
    }

    private static void daemon(String name, ThrowingRunnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private interface ThrowingRunnable {
        void run() throws IOException;
    }

    /** The frames of one request, its last frame last. */
    record Outcome(List<Frame> frames) {

        Frame last() {
            return frames.get(frames.size() - 1);
        }

        int lastType() {
            return last().type();
        }

        byte[] bytes(int type) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            frames.stream().filter(frame -> frame.type() == type).forEach(frame -> all.writeBytes(frame.payload()));
            return all.toByteArray();
        }

        String stdout() {
            return new String(bytes(Frame.STDOUT));
        }

        String stderr() {
            return new String(bytes(Frame.STDERR));
        }

        /** The status of EXITED. */
        int exitStatus() {
            assertThat(lastType()).as("last frame of %s", this).isEqualTo(Frame.EXITED);
            return last().fields().u32();
        }

        /** The errno of ERROR. */
        int errno() {
            assertThat(lastType()).as("last frame of %s", this).isEqualTo(Frame.ERROR);
            return last().fields().u32();
        }

        /** The message of ERROR. */
        String message() {
            Frame.Fields fields = last().fields();
            fields.u32();
            return fields.str();
        }

        @Override
        public String toString() {
            return frames.stream().map(frame -> String.format("0x%02x(%d bytes)", frame.type(), frame.payload().length))
                    .toList() + (lastType() == Frame.ERROR ? " " + message() : "");
        }
    }
}
