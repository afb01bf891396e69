package io.github.bootkernel.engine.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bootkernel.engine.console.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The followers alone: replay, live delivery, closing, and a follower that throws. */
class FollowersTest {

    private final ReentrantLock lock = new ReentrantLock();
    private final Followers followers = new Followers(lock);

    /** Delivers lines as the console does: with the lock held. */
    private void deliver(String... lines) {
        lock.lock();
        try {
            for (String line : lines) {
                followers.deliver(line);
            }
        } finally {
            lock.unlock();
        }
    }

    @Test
    void followerGetsTheReplayThenLiveLines() {
        deliver("before");
        List<String> seen = new ArrayList<>();
        Subscription subscription = followers.add(seen::add, List.of("a", "b"));
        deliver("c");
        subscription.close();
        deliver("d");

        assertThat(seen).containsExactly("a", "b", "c");
    }

    @Test
    void throwingFollowerIsRemovedAndOthersGoOn() {
        List<String> good = new ArrayList<>();
        List<String> badSaw = new ArrayList<>();
        followers.add(line -> {
            badSaw.add(line);
            throw new IllegalStateException("follower bug");
        }, List.of());
        Subscription subscription = followers.add(good::add, List.of());
        deliver("one", "two");
        subscription.close();

        assertThat(badSaw).containsExactly("one");
        assertThat(good).containsExactly("one", "two");
    }

    @Test
    void followerThrowingDuringReplayIsNotRegistered() {
        List<String> saw = new ArrayList<>();
        Subscription subscription = followers.add(line -> {
            saw.add(line);
            throw new AssertionError("boom");
        }, List.of("a", "b"));
        deliver("c");
        subscription.close();

        assertThat(saw).containsExactly("a");
    }

    @Test
    void closedSubscriptionStopsDeliveryAndCloseIsIdempotent() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        Subscription s1 = followers.add(first::add, List.of());
        Subscription s2 = followers.add(second::add, List.of());
        deliver("one");
        s1.close();
        s1.close();
        deliver("two");
        s2.close();
        deliver("three");

        assertThat(first).containsExactly("one");
        assertThat(second).containsExactly("one", "two");
    }

    @Test
    void followerMayCloseItselfWhileBeingCalled() {
        List<String> seen = new ArrayList<>();
        AtomicReference<Subscription> self = new AtomicReference<>();
        self.set(followers.add(line -> {
            seen.add(line);
            self.get().close();
        }, List.of()));
        deliver("one", "two");

        assertThat(seen).containsExactly("one");
    }
}
