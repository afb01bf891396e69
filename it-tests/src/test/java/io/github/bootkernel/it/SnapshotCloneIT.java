package io.github.bootkernel.it;

import static io.github.bootkernel.junit.GuestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.agent.ExecResult;
import io.github.bootkernel.junit.BootKernel;
import io.github.bootkernel.junit.Guest;
import io.github.bootkernel.kernels.initramfs.BusyboxInitramfs;
import io.github.bootkernel.kernels.initramfs.Initramfs;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code @BootKernel(fromSnapshot = true)} on a real kernel (issue 13): every guest of this class
 * is a clone of one template (the tiny kernel and a busybox image with the agent, booted once to
 * its ready line and snapshotted there). The template's {@code /init} writes its uptime and wall
 * clock to {@code /snapshot-at} right before the ready line, so every clone can read the instant
 * of the snapshot from its own RAM, and the file's text proves the clones share one boot: a
 * second boot would write another uptime. Clones run commands through the agent, see only their own
 * writes, and their uptime and wall clock move on from the snapshot's.
 */
@ExtendWith(StockKernelHost.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SnapshotCloneIT {

    /** Seconds at least between the snapshot and the restore of the clone whose clocks are checked. */
    private static final long GAP_SECONDS = 5;
    /** Each clone's {@code /snapshot-at}, by the clone's name. */
    private static final Map<String, String> SNAPSHOT_AT = new ConcurrentHashMap<>();
    /** Each clone's {@link Guest#clonedFrom()}, by the clone's name. */
    private static final Map<String, String> CLONED_FROM = new ConcurrentHashMap<>();

    /** The class's clone: the first declaration, so it boots the template. */
    @BootKernel(kernel = "tiny", initramfsFactory = "template", cmdline = "quiet", awaitLine = "^template: ready$",
            fromSnapshot = true)
    static Guest a;

    /**
     * The busybox image with the agent, whose {@code /init} records the snapshot's instant (uptime
     * in seconds, wall clock in seconds since the epoch) before it prints the ready line.
     */
    static Initramfs template() {
        return BusyboxInitramfs.create().withExitStatusHelper().withAgent()
                .initBody("echo \"$(cut -d ' ' -f 1 /proc/uptime) $(date +%s)\" > /snapshot-at\n"
                        + "echo 'template: ready'\n"
                        + "setsid cttyhack sh\n")
                .build();
    }

    @Test
    @Order(1)
    void aCloneRunsCommands() throws InterruptedException {
        assertThat(a.exec("uname", "-r")).succeeds().stdout().startsWith("6.1");
        assertThat(a.sh("echo from-a > /tmp/f && cat /tmp/f")).succeeds().stdout().isEqualTo("from-a\n");
        remember("a", a);
    }

    @Test
    @Order(2)
    void aFileWrittenInOneCloneIsAbsentInAnother(@BootKernel(kernel = "tiny", initramfsFactory = "template",
            cmdline = "quiet", awaitLine = "^template: ready$", fromSnapshot = true) Guest b) throws InterruptedException {
        assertThat(b.sh("cat /tmp/f")).exitedWith(1).stderr().contains("No such file");
        assertThat(b.sh("echo from-b > /tmp/f")).succeeds();
        assertThat(a.sh("cat /tmp/f")).as("clone A's file after B wrote its own").succeeds().stdout()
                .isEqualTo("from-a\n");
        remember("b", b);
    }

    @Test
    @Order(3)
    void aFreshCloneSeesNoCloneWrites(@BootKernel(kernel = "tiny", initramfsFactory = "template", cmdline = "quiet",
            awaitLine = "^template: ready$", fromSnapshot = true) Guest c) throws InterruptedException {
        assertThat(c.sh("test -e /tmp/f")).as("neither A's nor B's /tmp/f").exitedWith(1);
        remember("c", c);
    }

    /**
     * Lets at least {@value #GAP_SECONDS} s pass between the snapshot and the next clone's restore,
     * so that a clone whose wall clock went on from the snapshot's, instead of being set from the
     * host's, is told apart.
     */
    @Test
    @Order(4)
    void letsTimePassAfterTheSnapshot() throws InterruptedException {
        long snapshotClock = Long.parseLong(SNAPSHOT_AT.get("a").split(" ")[1]);
        long wait = GAP_SECONDS - (Instant.now().getEpochSecond() - snapshotClock);
        if (wait > 0) {
            Thread.sleep(wait * 1000);
        }
    }

    @Test
    @Order(5)
    void uptimeAndTheWallClockMoveOnFromTheSnapshot(@BootKernel(kernel = "tiny", initramfsFactory = "template",
            cmdline = "quiet", awaitLine = "^template: ready$", fromSnapshot = true) Guest d) throws InterruptedException {
        long hostNow = Instant.now().getEpochSecond();
        String[] at = remember("d", d).split(" ");
        double snapshotUptime = Double.parseDouble(at[0]);
        long snapshotClock = Long.parseLong(at[1]);
        assertThat(hostNow - snapshotClock).as("seconds between the snapshot and this clone's test")
                .isGreaterThanOrEqualTo(GAP_SECONDS);

        ExecResult first = d.sh("cut -d ' ' -f 1 /proc/uptime; date +%s");
        assertThat(first).succeeds();
        String[] now = first.stdout().strip().split("\n");
        double uptime = Double.parseDouble(now[0]);
        long clock = Long.parseLong(now[1]);
        assertThat(uptime).as("the clone's uptime against the snapshot's %s", snapshotUptime)
                .isGreaterThanOrEqualTo(snapshotUptime);
        assertThat(clock).as("the clone's wall clock: the host's, set at its restore, not the snapshot's %s",
                snapshotClock).isBetween(hostNow - 2, hostNow + 60);

        ExecResult later = d.sh("sleep 1; cut -d ' ' -f 1 /proc/uptime");
        assertThat(later).succeeds();
        assertThat(Double.parseDouble(later.stdout().strip())).as("uptime a second later")
                .isGreaterThanOrEqualTo(uptime + 0.9);
    }

    @Test
    @Order(6)
    void theTemplateBootedOnceForAllOfThem() {
        assertThat(SNAPSHOT_AT).as("the clones' /snapshot-at").containsOnlyKeys("a", "b", "c", "d");
        assertThat(SNAPSHOT_AT.values().stream().distinct()).as("one boot wrote them all").hasSize(1);
        assertThat(CLONED_FROM.values().stream().distinct()).as("one snapshot").hasSize(1);
        assertThat(CLONED_FROM.get("a")).startsWith("snapshot ");
    }

    /** Keeps a clone's {@code /snapshot-at} and snapshot, and returns the file's text. */
    private static String remember(String name, Guest guest) throws InterruptedException {
        ExecResult at = guest.exec("cat", "/snapshot-at");
        assertThat(at).succeeds();
        SNAPSHOT_AT.put(name, at.stdout().strip());
        CLONED_FROM.put(name, guest.clonedFrom().orElseThrow());
        return at.stdout().strip();
    }
}
