/*
 * Guest side of the console-throughput benchmark (bench/.../io/ConsoleThroughput.java).
 *
 *   console_bench tty BYTES    writes BYTES to /dev/ttyS0 in raw mode, then waits until the UART
 *                              has sent them (tcdrain)
 *   console_bench kmsg BYTES   writes BYTES as /dev/kmsg records of 64 bytes (63 characters and the
 *                              record's end), each at level 2 so `quiet` still prints it on the
 *                              console; needs printk.devkmsg=on (no rate limit)
 *
 * Prints "bench-io: start <path>" before and "bench-io: done <path> <bytes>" after, on the same
 * channel as the payload, so the host times the payload between the two lines.
 * Built with: gcc -static -O2 -o console_bench console_bench.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define LINE 64

static void die(const char *what) {
    fprintf(stderr, "console_bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("write");
        }
        buf += n;
        len -= (size_t) n;
    }
}

static void line(char *buf, long index) {
    for (int i = 0; i < LINE - 1; i++) {
        buf[i] = (char) ('0' + (index + i) % 75);
    }
    buf[LINE - 1] = '\n';
}

static int tty(long bytes) {
    int fd = open("/dev/ttyS0", O_WRONLY | O_NOCTTY);
    if (fd < 0) die("open /dev/ttyS0");
    struct termios t;
    if (tcgetattr(fd, &t) != 0) die("tcgetattr");
    cfmakeraw(&t);
    if (tcsetattr(fd, TCSANOW, &t) != 0) die("tcsetattr");
    static char buf[4096];
    const char *start = "bench-io: start tty\n";
    write_all(fd, start, strlen(start));
    long sent = 0;
    while (sent < bytes) {
        size_t n = 0;
        while (n + LINE <= sizeof buf && sent + (long) n + LINE <= bytes) {
            line(buf + n, (sent + (long) n) / LINE);
            n += LINE;
        }
        if (n == 0) {
            n = (size_t) (bytes - sent);
            memset(buf, 'x', n);
        }
        write_all(fd, buf, n);
        sent += (long) n;
    }
    if (tcdrain(fd) != 0) die("tcdrain");
    char done[64];
    snprintf(done, sizeof done, "\nbench-io: done tty %ld\n", sent);
    write_all(fd, done, strlen(done));
    if (tcdrain(fd) != 0) die("tcdrain");
    return 0;
}

static int kmsg(long bytes) {
    int fd = open("/dev/kmsg", O_WRONLY);
    if (fd < 0) die("open /dev/kmsg");
    const char *start = "<2>bench-io: start kmsg";
    write_all(fd, start, strlen(start));
    char rec[3 + LINE];
    long sent = 0;
    for (long i = 0; sent < bytes; i++) {
        memcpy(rec, "<2>", 3);
        line(rec + 3, i);
        write_all(fd, rec, 3 + LINE - 1); /* one write is one record; the console adds the newline */
        sent += LINE;
    }
    char done[64];
    int n = snprintf(done, sizeof done, "<2>bench-io: done kmsg %ld", sent);
    write_all(fd, done, (size_t) n);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: console_bench tty|kmsg BYTES\n");
        return 2;
    }
    long bytes = strtol(argv[2], NULL, 10);
    if (bytes <= 0) {
        fprintf(stderr, "console_bench: BYTES must be positive, not %s\n", argv[2]);
        return 2;
    }
    if (strcmp(argv[1], "tty") == 0) return tty(bytes);
    if (strcmp(argv[1], "kmsg") == 0) return kmsg(bytes);
    fprintf(stderr, "console_bench: unknown path %s (tty or kmsg)\n", argv[1]);
    return 2;
}
