package io.github.bootkernel.engine.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.agent.Exec;
import io.github.bootkernel.engine.agent.ExecResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the host side costs, without a guest: the codec alone, and the client against the fake
 * agent over in-memory pipes (round trips, an output flood, copies both ways). Prints the figures;
 * asserts only that everything arrived. A UART moves far fewer bytes per second than these.
 */
@Timeout(120)
class AgentThroughputTest {

    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void codec() throws Exception {
        byte[] payload = AgentClientExecTest.pattern(3, Frame.MAX_PAYLOAD);
        int frames = 1024; // 64 MiB
        ByteArrayOutputStream wire = new ByteArrayOutputStream(frames * (Frame.MAX_PAYLOAD + 16));
        long t0 = System.nanoTime();
        for (int i = 0; i < frames; i++) {
            wire.write(Frame.of(FrameType.STDOUT, i + 1, payload).encode(Frame.MAX_PAYLOAD));
        }
        long encoded = System.nanoTime() - t0;
        FrameReader reader = new FrameReader(new ByteArrayInputStream(wire.toByteArray()), FrameType.Sender.AGENT,
                Frame.MAX_PAYLOAD);
        t0 = System.nanoTime();
        long bytes = 0;
        Frame f;
        while ((f = reader.read()) != null) {
            bytes += f.payload().length;
        }
        long decoded = System.nanoTime() - t0;
        assertThat(bytes).isEqualTo((long) frames * Frame.MAX_PAYLOAD);
        System.out.printf("bootkernel agent: codec, 64 KiB frames: encode %.0f MiB/s, decode and check %.0f MiB/s%n",
                mibPerSecond(bytes, encoded), mibPerSecond(bytes, decoded));
    }

    @Test
    void client() throws Exception {
        try (FakeAgent agent = new FakeAgent()) {
            AgentClient client = agent.connect(ExecCall.KILL_GRACE);
            for (int i = 0; i < 200; i++) { // warm up
                client.exec(Exec.of("true"));
            }
            int n = 2000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                client.exec(Exec.of("true"));
            }
            double roundTripMicros = (System.nanoTime() - t0) / 1e3 / n;

            byte[] chunk = AgentClientExecTest.pattern(5, Frame.MAX_PAYLOAD);
            int floodMib = 64;
            agent.program("flood", p -> {
                for (int i = 0; i < floodMib * 16; i++) {
                    p.out(chunk);
                }
                return 0;
            });
            t0 = System.nanoTime();
            ExecResult flood = client.exec(Exec.of("flood"));
            long floodNanos = System.nanoTime() - t0;
            assertThat(flood.stdoutBytes()).hasSize(floodMib * MIB);

            byte[] content = AgentClientExecTest.pattern(7, 32 * MIB);
            Path in = Files.write(dir.resolve("in"), content);
            t0 = System.nanoTime();
            client.copyToGuest(in, "/tmp/f", 0644, Duration.ofSeconds(60));
            long putNanos = System.nanoTime() - t0;
            Path out = dir.resolve("out");
            t0 = System.nanoTime();
            client.copyFromGuest("/tmp/f", out, content.length, Duration.ofSeconds(60));
            long getNanos = System.nanoTime() - t0;
            assertThat(crc(Files.readAllBytes(out))).isEqualTo(crc(content));

            System.out.printf("bootkernel agent: client over in-memory pipes: exec round trip %.0f µs; output flood"
                    + " %.0f MiB/s; copy in %.0f MiB/s; copy out %.0f MiB/s%n", roundTripMicros,
                    mibPerSecond(floodMib * (long) MIB, floodNanos), mibPerSecond(content.length, putNanos),
                    mibPerSecond(content.length, getNanos));
        }
    }

    private static double mibPerSecond(long bytes, long nanos) {
        return bytes / (double) MIB / (nanos / 1e9);
    }

    private static long crc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }
}
