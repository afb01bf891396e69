package io.github.bootkernel.kernels.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest agent's behaviour (docs/guest-agent-protocol.md), with the agent compiled by the
 * catalog and run on this host with {@code --stdio}: the same program the busybox image starts on
 * ttyS1, without the serial port.
 */
@Timeout(120)
class AgentTest {

    /** Linux errno values the agent reports. */
    private static final int ENOENT = 2;
    private static final int EISDIR = 21;
    private static final int EFBIG = 27;
    private static final int EBADMSG = 74;

    @TempDir
    Path temp;

    @Test
    void saysHelloFirstWithVersions2To3AndItsMaximumPayload() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.start()) {
            Frame hello = agent.next();

            assertThat(hello.type()).isEqualTo(Frame.HELLO);
            assertThat(hello.id()).isZero();
            Frame.Fields fields = hello.fields();
            assertThat(fields.u16()).as("min version").isEqualTo(2);
            assertThat(fields.u16()).as("max version").isEqualTo(3);
            assertThat(fields.u32()).as("max payload").isEqualTo(65536);
            assertThat(fields.str()).isEqualTo("bootkernel-agent 3");
            assertThat(fields.atEnd()).isTrue();
        }
    }

    @Test
    void runsACommandWithStdoutAndStderrApartAndItsExitStatus() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "sh", "-c", "echo out; echo err >&2; exit 7");
            AgentUnderTest.Outcome outcome = agent.await(1);

            assertThat(outcome.frames().get(0).type()).isEqualTo(Frame.STARTED);
            assertThat(outcome.frames().get(0).fields().u32()).as("pid").isPositive();
            assertThat(outcome.stdout()).isEqualTo("out\n");
            assertThat(outcome.stderr()).isEqualTo("err\n");
            assertThat(outcome.exitStatus()).isEqualTo(7);

            agent.exec(2, "echo", "hello");
            assertThat(agent.await(2).stdout()).isEqualTo("hello\n");
        }
    }

    @Test
    void addsTheEnvironmentAndChangesToTheWorkingDirectory() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, List.of("sh", "-c", "echo $FOO $HOME $TERM $PATH; pwd"), List.of("FOO=bar"), temp.toString());
            AgentUnderTest.Outcome outcome = agent.await(1);

            assertThat(outcome.stdout()).isEqualTo("bar / dumb /sbin:/usr/sbin:/bin:/usr/bin\n"
                    + temp.toRealPath() + "\n");
            agent.exec(2, "pwd");
            assertThat(agent.await(2).stdout()).as("an empty workdir means /").isEqualTo("/\n");
        }
    }

    @Test
    void reportsTheSignalThatKilledACommand() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "sh", "-c", "kill -TERM $$");
            AgentUnderTest.Outcome outcome = agent.await(1);

            assertThat(outcome.lastType()).isEqualTo(Frame.SIGNALED);
            Frame.Fields fields = outcome.last().fields();
            assertThat(fields.u32()).isEqualTo(15);
            assertThat(fields.u8()).as("core dumped").isZero();
        }
    }

    @Test
    void deliversAFloodOf1MiBCompleteInChunksOfAtMost4KiB() throws Exception {
        byte[] content = randomBytes(1 << 20);
        Path file = Files.write(temp.resolve("flood"), content);
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "cat", file.toString());
            AgentUnderTest.Outcome outcome = agent.await(1);

            assertThat(outcome.exitStatus()).isZero();
            assertThat(crc(outcome.bytes(Frame.STDOUT))).isEqualTo(crc(content));
            assertThat(outcome.bytes(Frame.STDOUT)).isEqualTo(content);
            assertThat(outcome.frames()).filteredOn(frame -> frame.type() == Frame.STDOUT)
                    .allSatisfy(frame -> assertThat(frame.payload().length).isBetween(1, 4096));
        }
    }

    @Test
    void killsACommandThatNeverEndsOnKill() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "sleep", "1000");
            assertThat(agent.next(1).type()).isEqualTo(Frame.STARTED);
            long start = System.nanoTime();
            agent.send(new Frame(Frame.KILL, 1, new Frame.Payload().u32(9).bytes()));
            AgentUnderTest.Outcome outcome = agent.await(1);

            assertThat(outcome.lastType()).isEqualTo(Frame.SIGNALED);
            assertThat(outcome.last().fields().u32()).isEqualTo(9);
            assertThat(System.nanoTime() - start).as("ends promptly").isLessThan(5_000_000_000L);
        }
    }

    @Test
    void actsOnKillWhileItsOutputToTheHostIsBlocked() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "cat", "/dev/zero");
            long pid = Integer.toUnsignedLong(agent.next(1).fields().u32());
            // Taken before the KILL: once the agent has killed and reaped cat, there is no handle to take.
            ProcessHandle cat = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("cat " + pid + " runs"));
            agent.pauseReading(true);
            Thread.sleep(500);  // the pipe to this JVM and the agent's queue fill up; cat blocks
            agent.send(new Frame(Frame.KILL, 1, new Frame.Payload().u32(9).bytes()));

            assertThat(cat.onExit()).as("cat is gone before the host reads on")
                    .succeedsWithin(java.time.Duration.ofSeconds(5));
            agent.pauseReading(false);
            AgentUnderTest.Outcome outcome = agent.await(1);
            assertThat(outcome.lastType()).isEqualTo(Frame.SIGNALED);
            assertThat(outcome.last().fields().u32()).isEqualTo(9);
        }
    }

    @Test
    void killSignalsTheWholeProcessGroup() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "sh", "-c", "sleep 1000; echo not reached");
            assertThat(agent.next(1).type()).isEqualTo(Frame.STARTED);
            agent.send(new Frame(Frame.KILL, 1, new Frame.Payload().u32(15).bytes()));
            AgentUnderTest.Outcome outcome = agent.await(1);

            assertThat(outcome.lastType()).as("the shell and its sleep both got SIGTERM").isEqualTo(Frame.SIGNALED);
            assertThat(outcome.stdout()).isEmpty();
        }
    }

    @Test
    void reportsTheExitWithin100MsWhenALeftoverChildKeepsThePipesOpen() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            long start = System.nanoTime();
            agent.exec(1, "sh", "-c", "sleep 1000 & echo $!; exit 3");
            AgentUnderTest.Outcome outcome = agent.await(1);
            ProcessHandle.of(Long.parseLong(outcome.stdout().trim())).ifPresent(ProcessHandle::destroyForcibly);

            assertThat(outcome.exitStatus()).isEqualTo(3);
            assertThat(System.nanoTime() - start).as("ends promptly").isLessThan(5_000_000_000L);
        }
    }

    @Test
    void survivesACommandThatClosesItsOutputEarly() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "sh", "-c", "echo before; exec >&- 2>&-; sleep 0.3; exit 4");
            AgentUnderTest.Outcome outcome = agent.await(1);

            assertThat(outcome.stdout()).isEqualTo("before\n");
            assertThat(outcome.exitStatus()).isEqualTo(4);
        }
    }

    @Test
    void servesTwoCommandsAtOnce() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "sh", "-c", "sleep 0.5; echo slow");
            agent.exec(2, "sh", "-c", "echo fast");
            List<Integer> lastFrames = new ArrayList<>();
            List<String> outputs = new ArrayList<>();
            while (lastFrames.size() < 2) {
                Frame frame = agent.next();
                if (frame.type() == Frame.STDOUT) {
                    outputs.add(frame.id() + ":" + new String(frame.payload()));
                }
                if (frame.type() == Frame.EXITED) {
                    lastFrames.add(frame.id());
                }
            }

            assertThat(lastFrames).containsExactly(2, 1);
            assertThat(outputs).containsExactly("2:fast\n", "1:slow\n");
        }
    }

    @Test
    void putsAndGetsAFileCheckedByCrcWithItsMode() throws Exception {
        byte[] content = randomBytes(1 << 20);
        Path target = temp.resolve("copied.bin");
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            put(agent, 1, target.toString(), 0640, content, crc(content));
            assertThat(agent.await(1).lastType()).isEqualTo(Frame.DONE);
            assertThat(target).hasBinaryContent(content);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
            assertThat(temp.resolve("copied.bin.bootkernel-tmp")).doesNotExist();

            agent.send(new Frame(Frame.GET, 2, new Frame.Payload().str(target.toString()).u64(1L << 40).bytes()));
            AgentUnderTest.Outcome got = agent.await(2);

            Frame.Fields file = got.frames().get(0).fields();
            assertThat(got.frames().get(0).type()).isEqualTo(Frame.FILE);
            assertThat(file.u32()).as("mode").isEqualTo(0640);
            assertThat(file.u64()).as("size").isEqualTo(content.length);
            assertThat(got.bytes(Frame.DATA)).isEqualTo(content);
            Frame.Fields end = got.last().fields();
            assertThat(got.lastType()).isEqualTo(Frame.END);
            assertThat(end.u64()).isEqualTo(content.length);
            assertThat(end.u32()).isEqualTo(crc(content));
        }
    }

    @Test
    void copiesEmptyFilesBothWays() throws Exception {
        Path target = temp.resolve("empty");
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            put(agent, 1, target.toString(), 0600, new byte[0], 0);
            assertThat(agent.await(1).lastType()).isEqualTo(Frame.DONE);
            assertThat(target).isEmptyFile();

            agent.send(new Frame(Frame.GET, 2, new Frame.Payload().str(target.toString()).u64(0).bytes()));
            AgentUnderTest.Outcome got = agent.await(2);
            assertThat(got.frames()).extracting(Frame::type).containsExactly(Frame.FILE, Frame.END);
        }
    }

    @Test
    void refusesAPutWithABadCrcOrSizeAndLeavesNoFile() throws Exception {
        Path target = temp.resolve("refused");
        byte[] content = randomBytes(10_000);
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            put(agent, 1, target.toString(), 0644, content, crc(content) ^ 1);
            AgentUnderTest.Outcome badCrc = agent.await(1);
            assertThat(badCrc.errno()).isEqualTo(EBADMSG);
            assertThat(badCrc.message()).contains("CRC-32 mismatch");

            agent.send(new Frame(Frame.PUT, 2, new Frame.Payload().str(target.toString()).u32(0644).u64(5).bytes()));
            agent.send(new Frame(Frame.DATA, 2, content));
            agent.send(new Frame(Frame.END, 2, new Frame.Payload().u64(content.length).u32(crc(content)).bytes()));
            AgentUnderTest.Outcome tooLong = agent.await(2);
            assertThat(tooLong.errno()).isEqualTo(EBADMSG);
            assertThat(tooLong.message()).contains("more data than the 5 bytes");

            assertThat(temp).isEmptyDirectory();
        }
    }

    @Test
    void refusesAPutIntoAMissingDirectoryAfterItsEnd() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            put(agent, 1, temp.resolve("missing/file").toString(), 0644, new byte[100], crc(new byte[100]));
            AgentUnderTest.Outcome outcome = agent.await(1);

            assertThat(outcome.frames()).hasSize(1);
            assertThat(outcome.errno()).isEqualTo(ENOENT);
            assertThat(outcome.message()).contains("missing/file.bootkernel-tmp");
        }
    }

    @Test
    void answersErrorsWithTheirErrno() throws Exception {
        Path small = Files.write(temp.resolve("small"), new byte[100]);
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "no-such-program");
            AgentUnderTest.Outcome noProgram = agent.await(1);
            assertThat(noProgram.errno()).isEqualTo(ENOENT);
            assertThat(noProgram.message()).isEqualTo("cannot run no-such-program: No such file or directory");

            agent.exec(2, List.of("true"), List.of(), "/no/such/dir");
            AgentUnderTest.Outcome noDir = agent.await(2);
            assertThat(noDir.errno()).isEqualTo(ENOENT);
            assertThat(noDir.message()).contains("cannot change to the directory /no/such/dir");

            assertThat(get(agent, 3, temp.toString(), 1000).errno()).isEqualTo(EISDIR);
            assertThat(get(agent, 4, temp.resolve("nothing").toString(), 1000).errno()).isEqualTo(ENOENT);
            AgentUnderTest.Outcome tooLarge = get(agent, 5, small.toString(), 99);
            assertThat(tooLarge.errno()).isEqualTo(EFBIG);
            assertThat(tooLarge.message()).contains("100 bytes, more than the 99 allowed");

            agent.exec(6, "true");
            assertThat(agent.await(6).exitStatus()).as("errors end their request only").isZero();
        }
    }

    @Test
    void ignoresAKillThatCrossedTheEndOfItsRequest() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "true");
            assertThat(agent.await(1).exitStatus()).isZero();
            agent.send(new Frame(Frame.KILL, 1, new Frame.Payload().u32(9).bytes()));
            agent.exec(2, "echo", "still here");

            assertThat(agent.await(2).stdout()).isEqualTo("still here\n");
        }
    }

    @Test
    void answersABadFrameWithFatalAndExits() throws Exception {
        Frame exec = new Frame(Frame.EXEC, 1, new Frame.Payload().u32(0).u16(1).str("true").u16(0).str("").bytes());
        byte[] badCrc = exec.encode();
        badCrc[badCrc.length - 1] ^= 1;
        byte[] badMagic = exec.encode();
        badMagic[0] = 0x42;
        byte[] tooLong = new Frame(Frame.DATA, 1, new byte[0]).encode();
        tooLong[8] = 1;
        tooLong[10] = 1;  // 65,537 bytes
        List<List<Object>> cases = List.of(
                List.of(badCrc, "bad CRC-32"),
                List.of(badMagic, "bad magic 0x42"),
                List.of(exec.encode(1), "flags 0x01"),
                List.of(tooLong, "payload length 65537 is above the maximum 65536"),
                List.of(new Frame(0x55, 1, new byte[0]).encode(), "type 0x55 is not a frame the host sends"),
                List.of(new Frame(Frame.EXEC, 1, new Frame.Payload().u32(0).u16(2).str("true").bytes()).encode(),
                        "the payload ends inside an argument"),
                List.of(new Frame(Frame.EXEC, 0, exec.payload()).encode(), "request id 0 is reserved"),
                List.of(new Frame(Frame.DATA, 7, new byte[3]).encode(), "DATA for request 7, which is not a PUT"),
                List.of(new Frame(Frame.KILL, 1, new Frame.Payload().u32(9).u16(0).bytes()).encode(),
                        "2 bytes follow the payload's last field"));
        for (List<Object> badFrame : cases) {
            try (AgentUnderTest agent = AgentUnderTest.connected()) {
                agent.sendBytes((byte[]) badFrame.get(0));
                Frame fatal = agent.next();

                assertThat(fatal.type()).as("answer to %s", badFrame.get(1)).isEqualTo(Frame.FATAL);
                assertThat(fatal.id()).isZero();
                assertThat(fatal.fields().str()).startsWith("frame at offset 22 (type ")
                        .contains((String) badFrame.get(1));
                assertThat(agent.exitStatus()).isEqualTo(1);
            }
        }
    }

    @Test
    void wantsWelcomeBeforeAnyRequest() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.start()) {
            assertThat(agent.next().type()).isEqualTo(Frame.HELLO);
            agent.exec(1, "true");

            Frame fatal = agent.next();
            assertThat(fatal.type()).isEqualTo(Frame.FATAL);
            assertThat(fatal.fields().str()).isEqualTo(
                    "frame at offset 0 (type 0x10, request 1): the first frame from the host must be WELCOME (0x02)");
            assertThat(agent.exitStatus()).isEqualTo(1);
        }
    }

    @Test
    void refusesReseedInAVersion2Session() throws Exception {
        // Version 2 (the old host's) has no RESEED: the agent must not act on one there.
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.send(new Frame(Frame.RESEED, 1, new Frame.Payload().u64(1).raw(new byte[64]).bytes()));

            Frame fatal = agent.next();
            assertThat(fatal.type()).isEqualTo(Frame.FATAL);
            assertThat(fatal.fields().str()).isEqualTo(
                    "frame at offset 22 (type 0x50, request 1): RESEED is not a frame of version 2");
            assertThat(agent.exitStatus()).isEqualTo(1);
        }
    }

    @Test
    void refusesReseedWithTooLittleOrTooMuchEntropyBeforeTouchingAnything() throws Exception {
        // Checked before any ioctl or clock_settime: these tests run on the host, whose clock must stay.
        for (int size : new int[] {63, 513}) {
            try (AgentUnderTest agent = AgentUnderTest.connected(3)) {
                agent.send(new Frame(Frame.RESEED, 1, new Frame.Payload().u64(1).raw(new byte[size]).bytes()));

                Frame fatal = agent.next();
                assertThat(fatal.type()).isEqualTo(Frame.FATAL);
                assertThat(fatal.fields().str()).isEqualTo("frame at offset 22 (type 0x50, request 1): " + size
                        + " bytes of entropy; expected 64 to 512");
                assertThat(agent.exitStatus()).isEqualTo(1);
            }
        }
    }

    @Test
    void acceptsWelcomeForVersion3AndServesAsInVersion2() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected(3)) {
            agent.exec(1, "echo", "v3");

            assertThat(agent.await(1).stdout()).isEqualTo("v3\n");
        }
    }

    @Test
    void endsWhenTheHostClosesTheChannelAndKillsWhatStillRuns() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.connected()) {
            agent.exec(1, "sleep", "1000");
            Frame started = agent.next(1);
            long pid = Integer.toUnsignedLong(started.fields().u32());
            agent.closeInput();

            assertThat(agent.exitStatus()).isZero();
            ProcessHandle.of(pid).ifPresent(process -> assertThat(process.onExit()).succeedsWithin(
                    java.time.Duration.ofSeconds(AgentUnderTest.WAIT_SECONDS)));
        }
    }

    private static void put(AgentUnderTest agent, int id, String path, int mode, byte[] content, int crc)
            throws Exception {
        agent.send(new Frame(Frame.PUT, id, new Frame.Payload().str(path).u32(mode).u64(content.length).bytes()));
        for (int offset = 0; offset < content.length; offset += 65536) {
            byte[] chunk = java.util.Arrays.copyOfRange(content, offset, Math.min(content.length, offset + 65536));
            agent.send(new Frame(Frame.DATA, id, chunk));
        }
        agent.send(new Frame(Frame.END, id, new Frame.Payload().u64(content.length).u32(crc).bytes()));
    }

    private static AgentUnderTest.Outcome get(AgentUnderTest agent, int id, String path, long maxSize)
            throws Exception {
        agent.send(new Frame(Frame.GET, id, new Frame.Payload().str(path).u64(maxSize).bytes()));
        return agent.await(id);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
