/*
 * bootkernel-agent: the guest side of bootkernel's command channel.
 *
 * Usage: bootkernel-agent [--kmsg PATH] [DEVICE]   serve on a serial port (default /dev/ttyS1)
 *        bootkernel-agent [--kmsg PATH] --stdio    serve on standard input and output (tests on the host)
 * --kmsg PATH reads the kernel log from PATH instead of /dev/kmsg (tests on the host).
 *
 * The busybox image's /init starts it in the background. It speaks the protocol of
 * docs/guest-agent-protocol.md, versions 2 and 3: frames with a magic, a type, a request id, a length and
 * a CRC-32. It sends HELLO first, waits for the host's WELCOME, then serves any number of requests
 * at once: EXEC runs a program (its output comes back in STDOUT and STDERR frames, then EXITED or
 * SIGNALED), KILL signals a program's process group, PUT and GET copy a file in or out, checked by
 * size and CRC-32, KLOG streams the kernel's log records from /dev/kmsg in RECORDS frames (LOST
 * when the kernel's ring overwrote some before they were read), and SYNC on the KLOG is answered
 * with SYNCED once the agent has read the ring to its end. RESEED (version 3), which the host sends a
 * clone of a snapshot first, adds the host's entropy to the kernel's pool, reseeds the CRNG and sets
 * the wall clock, before the agent reads the host's next frame.
 *
 * How it works: one thread, one poll() loop. Frames for the host are appended to a queue in memory
 * and written whenever the channel takes them (the channel is non-blocking), so the agent keeps
 * reading the host's frames (a KILL, the rest of a PUT) even while a program floods its output.
 * Program output and file contents are read only while the queue is short: a program that writes
 * faster than the host reads blocks in its own write(), which is the backpressure. The kernel log
 * is read last in a round and only while the queue is shorter still (KLOG_BELOW): when the host
 * reads slowly, records wait in the kernel's ring, which overwrites the oldest; nothing piles up
 * here, and program output goes first. A program's end
 * is noticed through SIGCHLD, whose handler writes a byte to a pipe that the loop polls.
 *
 * Everything that comes from the host is checked before use: a frame with a bad magic, non-zero
 * flags, a length above 65,536, a bad CRC, an unknown type, a payload that does not parse or a
 * request id that does not fit is answered with FATAL, and the agent exits.
 *
 * Exit status: 0 when the host closed the channel, 1 after a FATAL, 2 on a usage error or when the
 * channel cannot be opened, 3 when reading or writing the channel fails, 4 when memory runs out.
 *
 * Built by bootkernel with `gcc -static -Os -s`, like exit-status.c: only the C library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/random.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* ---- The protocol (docs/guest-agent-protocol.md) ---- */

#define MIN_VERSION 2              /* the versions the agent speaks: 3 added RESEED */
#define MAX_VERSION 3
#define RESEED_VERSION 3
#define AGENT_NAME "bootkernel-agent 3"
#define MAGIC_0 0xBC
#define MAGIC_1 0x4B
#define HEADER_SIZE 12            /* magic 2, type 1, flags 1, request id 4, payload length 4 */
#define CRC_SIZE 4
#define MAX_PAYLOAD 65536u        /* the largest payload the agent accepts, announced in HELLO */
#define MIN_PEER_PAYLOAD 65536u   /* every side accepts at least this much */
#define MAX_STRING 4096u          /* the longest str field */
#define MAX_ARGS 1024u            /* the most argv and env entries of an EXEC */

enum frame_type {
	T_HELLO = 0x01,
	T_WELCOME = 0x02,
	T_EXEC = 0x10,
	T_STARTED = 0x11,
	T_STDOUT = 0x12,
	T_STDERR = 0x13,
	T_EXITED = 0x14,
	T_SIGNALED = 0x15,
	T_KILL = 0x18,
	T_PUT = 0x20,
	T_FILE = 0x21,
	T_DATA = 0x22,
	T_END = 0x23,
	T_GET = 0x24,
	T_DONE = 0x30,
	T_ERROR = 0x3E,
	T_FATAL = 0x3F,
	T_KLOG = 0x40,
	T_RECORDS = 0x41,
	T_LOST = 0x42,
	T_SYNC = 0x43,
	T_SYNCED = 0x44,
	T_RESEED = 0x50,
};

#define MIN_RESEED_BYTES 64u          /* RESEED's entropy: 64 to 512 bytes */
#define MAX_RESEED_BYTES 512u
#ifndef RNDRESEEDCRNG
#define RNDRESEEDCRNG _IO('R', 0x07)  /* random(4), Linux 4.17 */
#endif

/* ---- Tuning ---- */

#define OUTPUT_CHUNK 4096u            /* the largest STDOUT, STDERR or DATA payload the agent sends */
#define EXIT_GRACE_MS 100             /* how long output is still read after a program exited */
#define PRODUCE_BELOW (64u * 1024)    /* read output and files only while less waits for the host */
#define READ_BELOW (1024u * 1024)     /* read the host's frames only while less waits */
#define DRAIN_LIMIT (1024u * 1024)    /* read at most this much from a pipe when the grace ends */
#define EXIT_FLUSH_MS 5000            /* how long a FATAL may wait for the host to take it */
#define KLOG_BELOW 4096u              /* read the kernel log only while less waits for the host */
#define RECORDS_PAYLOAD 4096u         /* the largest RECORDS payload, unless it holds one longer record */
#define KMSG_RECORD_MAX 8192u         /* the longest record /dev/kmsg gives (the kernel's CONSOLE_EXT_LOG_MAX) */
#define KLOG_READS_PER_ROUND 256      /* reads of /dev/kmsg in one round at most, records skipped included */

#define EXIT_CLOSED 0
#define EXIT_FATAL 1
#define EXIT_USAGE 2
#define EXIT_CHANNEL 3
#define EXIT_MEMORY 4

#define BASE_PATH "/sbin:/usr/sbin:/bin:/usr/bin"
#define TEMP_SUFFIX ".bootkernel-tmp"

/* ---- Little-endian integers ---- */

static void le16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void le32_put(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void le64_put(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t le16_get(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64_get(const uint8_t *p)
{
	return (uint64_t)le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

/* ---- CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib and java.util.zip.CRC32) ---- */

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

/* Continues a CRC: crc32_update(0, ...) starts one, and crc32_update(crc32_update(0, a), b) is the CRC of a then b. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *data, size_t n)
{
	uint32_t c = crc ^ 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

/* ---- State ---- */

enum request_kind { REQ_EXEC, REQ_PUT, REQ_GET, REQ_KLOG };

/* One request in flight. */
struct request {
	struct request *next;
	uint32_t id;
	enum request_kind kind;

	/* EXEC: the program, its output pipes (-1 once closed) and how it ended. */
	pid_t pid;
	int out_fd;
	int err_fd;
	int reaped;
	int wait_status;
	int64_t exit_ms;

	/* PUT and GET: the file's path, the file (-1 when closed; for a PUT, open means the temporary
	 * file is unfinished), its size, the bytes moved so far and their CRC. KLOG: fd is the kernel
	 * log (-1 once a test source ended). */
	char *path;
	int fd;
	uint64_t size;
	uint64_t moved;
	uint32_t crc;

	/* PUT: the temporary file, the mode, and the first error (0: none yet) with its message. */
	char *temp;
	uint32_t mode;
	int error;
	char message[MAX_STRING + 1];
};

static struct request *requests;

static int chan_in = -1;          /* the channel: the tty twice, or standard input and output */
static int chan_out = -1;
static int chan_is_tty;
static int stdio_flags[2] = {-1, -1};   /* fds 0 and 1's flags before --stdio changed them */
static int welcomed;              /* the host's WELCOME has arrived */
static int version;               /* the version WELCOME chose */
static int sigchld_pipe[2] = {-1, -1};
static const char *kmsg_path = "/dev/kmsg";

/* The KLOG request's reading of the kernel log (at most one KLOG is in flight). */
static struct {
	uint8_t record[KMSG_RECORD_MAX];   /* a record read but not yet sent: record[0 .. pending) */
	size_t pending;
	uint64_t next;        /* the sequence number expected next: from_sequence, then one past the last read */
	int next_known;       /* 0 after a record whose sequence number did not parse */
	int lost;             /* a read failed with EPIPE or EINVAL: LOST goes out before the next record */
	uint32_t syncs;       /* SYNCs not yet answered: each gets a SYNCED at the next EAGAIN */
} klog;

/* Frames waiting for the host: data[head .. head+len). */
static struct {
	uint8_t *data;
	size_t head;
	size_t len;
	size_t cap;
	size_t frame;   /* where the frame being built starts, counted from head */
	int building;   /* a frame is being built: its bytes must not reach the host yet */
} out;

/* Bytes from the host not yet parsed: in_buf[0 .. in_len); in_offset is in_buf[0]'s offset in the stream. */
static uint8_t in_buf[HEADER_SIZE + MAX_PAYLOAD + CRC_SIZE];
static size_t in_len;
static uint64_t in_offset;

/* One frame from the host. */
struct frame {
	uint64_t offset;
	uint8_t type;
	uint32_t id;
	const uint8_t *payload;
	uint32_t len;
};

static void finish(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void frame_fatal(const struct frame *f, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* ---- Small helpers ---- */

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char *fmt, ...)
{
	char line[MAX_STRING + 64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "bootkernel-agent: %s\n", line);
}

static void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count, size);
	if (p == NULL)
		finish(EXIT_MEMORY, "out of memory");
	return p;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static int set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);
	return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Writes all of data to a file; returns 0 or -1 with errno set. */
static int write_all(int fd, const uint8_t *data, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return -1;
		}
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ---- Frames to the host ---- */

static void out_reserve(size_t n)
{
	if (out.cap - out.head - out.len >= n)
		return;
	if (out.head > 0) {
		memmove(out.data, out.data + out.head, out.len);
		out.head = 0;
	}
	if (out.cap - out.len >= n)
		return;
	size_t cap = out.cap ? out.cap : 128 * 1024;
	while (cap - out.len < n) {
		if (cap > SIZE_MAX / 2)
			finish(EXIT_MEMORY, "out of memory");
		cap *= 2;
	}
	uint8_t *data = realloc(out.data, cap);
	if (data == NULL)
		finish(EXIT_MEMORY, "out of memory");
	out.data = data;
	out.cap = cap;
}

/* Where the next byte of the queue goes; out_reserve() first. */
static uint8_t *out_tail(void)
{
	return out.data + out.head + out.len;
}

static void put_bytes(const void *p, size_t n)
{
	out_reserve(n);
	memcpy(out_tail(), p, n);
	out.len += n;
}

static void put_u8(uint8_t v)
{
	put_bytes(&v, 1);
}

static void put_u16(uint16_t v)
{
	uint8_t b[2];
	le16_put(b, v);
	put_bytes(b, sizeof b);
}

static void put_u32(uint32_t v)
{
	uint8_t b[4];
	le32_put(b, v);
	put_bytes(b, sizeof b);
}

static void put_u64(uint64_t v)
{
	uint8_t b[8];
	le64_put(b, v);
	put_bytes(b, sizeof b);
}

/* A str field: a u16 byte count, then the bytes; cut at MAX_STRING, before a UTF-8 sequence. */
static void put_str(const char *s)
{
	size_t n = strnlen(s, MAX_STRING);
	if (s[n] != '\0')
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	put_u16((uint16_t)n);
	put_bytes(s, n);
}

/* Starts a frame at the end of the queue; its payload follows through the put_* functions. */
static void frame_begin(uint8_t type, uint32_t id)
{
	uint8_t header[HEADER_SIZE] = {MAGIC_0, MAGIC_1, type, 0};
	le32_put(header + 4, id);
	out.frame = out.len;
	out.building = 1;
	put_bytes(header, sizeof header);
}

/* Fills in the length of the frame being built and appends its CRC. */
static void frame_end(void)
{
	uint8_t *frame = out.data + out.head + out.frame;
	size_t payload = out.len - out.frame - HEADER_SIZE;
	if (payload > MIN_PEER_PAYLOAD) {
		/* Every payload the agent builds is bounded well below this; reaching it is a bug here. */
		log_line("internal error: a frame of %zu bytes", payload);
		abort();
	}
	le32_put(frame + 8, (uint32_t)payload);
	put_u32(crc32_update(0, frame + 2, HEADER_SIZE - 2 + payload));
	out.building = 0;
}

/* Drops the frame being built. */
static void frame_cancel(void)
{
	out.len = out.frame;
	out.building = 0;
}

static void send_error(uint32_t id, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void send_error(uint32_t id, int err, const char *fmt, ...)
{
	char message[MAX_STRING + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	frame_begin(T_ERROR, id);
	put_u32((uint32_t)err);
	put_str(message);
	frame_end();
}

/* Writes as much of the queue as the channel takes now. */
static void out_flush(void)
{
	while (out.len > 0) {
		ssize_t n = write(chan_out, out.data + out.head, out.len);
		if (n > 0) {
			out.head += (size_t)n;
			out.len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return;
		} else {
			int err = n < 0 ? errno : EIO;
			out.len = 0;   /* nothing more can reach the host */
			finish(EXIT_CHANNEL, "cannot write to the host: %s", strerror(err));
		}
	}
	out.head = 0;
}

/* ---- Requests ---- */

static struct request *find_request(uint32_t id)
{
	for (struct request *r = requests; r != NULL; r = r->next)
		if (r->id == id)
			return r;
	return NULL;
}

static struct request *add_request(uint32_t id, enum request_kind kind)
{
	struct request *r = xcalloc(1, sizeof *r);
	r->id = id;
	r->kind = kind;
	r->out_fd = r->err_fd = r->fd = -1;
	r->next = requests;
	requests = r;
	return r;
}

/* Unlinks a request and frees it with everything it holds. */
static void remove_request(struct request *r)
{
	for (struct request **p = &requests; *p != NULL; p = &(*p)->next) {
		if (*p == r) {
			*p = r->next;
			break;
		}
	}
	if (r->kind == REQ_PUT && r->fd >= 0)
		unlink(r->temp);   /* a PUT removed unfinished leaves no file */
	close_fd(&r->out_fd);
	close_fd(&r->err_fd);
	close_fd(&r->fd);
	free(r->path);
	free(r->temp);
	free(r);
}

/* ---- Ending the agent ---- */

/* Gives the host up to EXIT_FLUSH_MS to take what is queued (for example a FATAL). */
static void flush_before_exit(void)
{
	int64_t deadline = now_ms() + EXIT_FLUSH_MS;
	while (out.len > 0) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return;
		struct pollfd p = {.fd = chan_out, .events = POLLOUT};
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return;
		ssize_t n = write(chan_out, out.data + out.head, out.len);
		if (n > 0) {
			out.head += (size_t)n;
			out.len -= (size_t)n;
		} else if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
			return;
		}
	}
}

/* Kills what still runs, removes unfinished files, tells the host what is queued, and exits. */
static void finish(int status, const char *fmt, ...)
{
	char why[MAX_STRING + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (status != EXIT_CLOSED || chan_is_tty)
		log_line("%s; exiting", why);
	if (out.building)
		frame_cancel();   /* memory ran out while building it: never send half a frame */
	while (requests != NULL) {
		if (requests->kind == REQ_EXEC)
			kill(-requests->pid, SIGKILL);
		remove_request(requests);
	}
	flush_before_exit();
	for (int fd = 0; fd < 2; fd++)
		if (stdio_flags[fd] >= 0)
			fcntl(fd, F_SETFL, stdio_flags[fd]);
	exit(status);
}

/* Answers a frame the agent cannot accept with FATAL, then exits. */
static void frame_fatal(const struct frame *f, const char *fmt, ...)
{
	char reason[MAX_STRING / 2];
	char message[MAX_STRING + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	snprintf(message, sizeof message, "frame at offset %llu (type 0x%02x, request %u): %s",
		 (unsigned long long)f->offset, f->type, f->id, reason);
	if (out.building)
		frame_cancel();
	frame_begin(T_FATAL, 0);
	put_str(message);
	frame_end();
	finish(EXIT_FATAL, "fatal: %s", message);
}

/* ---- Parsing payloads ---- */

struct reader {
	const struct frame *frame;
	const uint8_t *p;
	size_t left;
};

static struct reader reader_of(const struct frame *f)
{
	struct reader r = {f, f->payload, f->len};
	return r;
}

static const uint8_t *take(struct reader *r, size_t n, const char *what)
{
	if (r->left < n)
		frame_fatal(r->frame, "the payload ends inside %s", what);
	const uint8_t *p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

static uint16_t get_u16(struct reader *r, const char *what)
{
	return le16_get(take(r, 2, what));
}

static uint32_t get_u32(struct reader *r, const char *what)
{
	return le32_get(take(r, 4, what));
}

static uint64_t get_u64(struct reader *r, const char *what)
{
	return le64_get(take(r, 8, what));
}

/* Reads a str field into a new NUL-terminated string. */
static char *get_str(struct reader *r, const char *what)
{
	uint16_t n = get_u16(r, what);
	if (n > MAX_STRING)
		frame_fatal(r->frame, "%s is %u bytes long, above the maximum %u", what, n, MAX_STRING);
	const uint8_t *p = take(r, n, what);
	if (memchr(p, 0, n) != NULL)
		frame_fatal(r->frame, "%s contains a NUL byte", what);
	char *s = xcalloc(1, (size_t)n + 1);
	memcpy(s, p, n);
	return s;
}

static void expect_end(struct reader *r)
{
	if (r->left != 0)
		frame_fatal(r->frame, "%zu bytes follow the payload's last field", r->left);
}

/* A new request's id: non-zero and not in flight. */
static void expect_new_id(const struct frame *f)
{
	if (f->id == 0)
		frame_fatal(f, "request id 0 is reserved for the channel");
	if (find_request(f->id) != NULL)
		frame_fatal(f, "request %u is already in flight", f->id);
}

/* ---- EXEC ---- */

/* What a child reports through its status pipe when it cannot exec. */
struct exec_failure {
	int stage;
	int error;
};

enum exec_stage { STAGE_SESSION, STAGE_STDIN, STAGE_PIPES, STAGE_CHDIR, STAGE_ENV, STAGE_EXEC };

static void child_fail(int status_fd, int stage)
{
	struct exec_failure failure = {stage, errno};
	(void)!write(status_fd, &failure, sizeof failure);
	_exit(127);
}

/* In the child: a new session, stdin from /dev/null, stdout and stderr into the pipes, then exec. */
static void run_child(int out_w, int err_w, int status_w, char **argv, char **env, const char *workdir)
{
	/* Undo what the agent set for itself: an ignored SIGPIPE would survive exec. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (chan_is_tty) {
		/* The agent protects itself from the OOM killer; the program gets the default back. */
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)!write(fd, "0\n", 2);
			close(fd);
		}
	}
	if (setsid() < 0)
		child_fail(status_w, STAGE_SESSION);
	int null_fd = open("/dev/null", O_RDONLY);
	if (null_fd < 0)
		child_fail(status_w, STAGE_STDIN);
	/* fds 0 to 2 are open in the agent, so the pipes and null_fd are all above 2 or equal to 0. */
	if (dup2(null_fd, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
		child_fail(status_w, STAGE_PIPES);
	if (null_fd > 2)
		close(null_fd);
	if (chdir(workdir[0] != '\0' ? workdir : "/") != 0)
		child_fail(status_w, STAGE_CHDIR);
	for (size_t i = 0; env[i] != NULL; i++)
		if (putenv(env[i]) != 0)
			child_fail(status_w, STAGE_ENV);
	execvp(argv[0], argv);
	child_fail(status_w, STAGE_EXEC);
}

static void report_exec_failure(uint32_t id, const struct exec_failure *failure, const char *program,
				const char *workdir)
{
	const char *reason = strerror(failure->error);
	switch (failure->stage) {
	case STAGE_SESSION:
		send_error(id, failure->error, "cannot start a session for %s: %s", program, reason);
		break;
	case STAGE_STDIN:
		send_error(id, failure->error, "cannot open /dev/null for %s: %s", program, reason);
		break;
	case STAGE_PIPES:
		send_error(id, failure->error, "cannot connect the output of %s: %s", program, reason);
		break;
	case STAGE_CHDIR:
		send_error(id, failure->error, "cannot change to the directory %s: %s", workdir, reason);
		break;
	case STAGE_ENV:
		send_error(id, failure->error, "cannot set the environment of %s: %s", program, reason);
		break;
	default:
		send_error(id, failure->error, "cannot run %s: %s", program, reason);
		break;
	}
}

/* Forks and execs; answers STARTED, or ERROR if the program could not start. */
static void start_exec(uint32_t id, char **argv, char **env, const char *workdir)
{
	int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, status_pipe[2] = {-1, -1};
	if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 || pipe2(status_pipe, O_CLOEXEC) != 0) {
		int err = errno;
		send_error(id, err, "cannot create pipes for %s: %s", argv[0], strerror(err));
		goto close_all;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		send_error(id, err, "cannot fork for %s: %s", argv[0], strerror(err));
		goto close_all;
	}
	if (pid == 0)
		run_child(out_pipe[1], err_pipe[1], status_pipe[1], argv, env, workdir);

	close_fd(&out_pipe[1]);
	close_fd(&err_pipe[1]);
	close_fd(&status_pipe[1]);
	/* The status pipe is close-on-exec: end of file means exec succeeded, a report means it failed. */
	struct exec_failure failure;
	ssize_t n;
	do
		n = read(status_pipe[0], &failure, sizeof failure);
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		if (n != (ssize_t)sizeof failure) {
			failure.stage = STAGE_EXEC;
			failure.error = n < 0 ? errno : EIO;
			kill(pid, SIGKILL);
		}
		/* Reap it here, before the loop's SIGCHLD handling could see a pid it does not know. */
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		report_exec_failure(id, &failure, argv[0], workdir);
		goto close_all;
	}
	set_nonblocking(out_pipe[0]);
	set_nonblocking(err_pipe[0]);
	struct request *r = add_request(id, REQ_EXEC);
	r->pid = pid;
	r->out_fd = out_pipe[0];
	r->err_fd = err_pipe[0];
	out_pipe[0] = err_pipe[0] = -1;
	frame_begin(T_STARTED, id);
	put_u32((uint32_t)pid);
	frame_end();
close_all:
	for (int i = 0; i < 2; i++) {
		close_fd(&out_pipe[i]);
		close_fd(&err_pipe[i]);
		close_fd(&status_pipe[i]);
	}
}

static void free_strings(char **strings)
{
	if (strings == NULL)
		return;
	for (size_t i = 0; strings[i] != NULL; i++)
		free(strings[i]);
	free(strings);
}

/* EXEC: u32 flags, u16 argc, argc x str, u16 envc, envc x str, str workdir. */
static void handle_exec(const struct frame *f)
{
	expect_new_id(f);
	struct reader r = reader_of(f);
	uint32_t flags = get_u32(&r, "the flags");
	if (flags != 0)
		frame_fatal(f, "EXEC flags 0x%x; versions 2 and 3 know none", flags);
	uint16_t argc = get_u16(&r, "argc");
	if (argc == 0 || argc > MAX_ARGS)
		frame_fatal(f, "argc %u is not within 1 to %u", argc, MAX_ARGS);
	char **argv = xcalloc((size_t)argc + 1, sizeof *argv);
	for (size_t i = 0; i < argc; i++)
		argv[i] = get_str(&r, "an argument");
	uint16_t envc = get_u16(&r, "envc");
	if (envc > MAX_ARGS)
		frame_fatal(f, "envc %u is above the maximum %u", envc, MAX_ARGS);
	char **env = xcalloc((size_t)envc + 1, sizeof *env);
	for (size_t i = 0; i < envc; i++) {
		env[i] = get_str(&r, "an environment entry");
		if (env[i][0] == '=' || strchr(env[i], '=') == NULL)
			frame_fatal(f, "environment entry %zu is not NAME=VALUE", i);
	}
	char *workdir = get_str(&r, "the working directory");
	expect_end(&r);
	start_exec(f->id, argv, env, workdir);
	free_strings(argv);
	free_strings(env);
	free(workdir);
}

/* KILL: u32 signal, for the process group of a running EXEC. */
static void handle_kill(const struct frame *f)
{
	struct reader r = reader_of(f);
	uint32_t sig = get_u32(&r, "the signal");
	expect_end(&r);
	if (sig >= (uint32_t)NSIG)
		frame_fatal(f, "signal %u does not exist", sig);
	struct request *req = find_request(f->id);
	if (req == NULL)
		return;   /* the request ended already: this KILL crossed its last frame on the way */
	if (req->kind != REQ_EXEC)
		frame_fatal(f, "KILL for request %u, which is %s", f->id,
			    req->kind == REQ_KLOG ? "the kernel log's stream" : "a file transfer");
	/* The whole group: also the program's own children, even after the program itself exited. */
	kill(-req->pid, (int)sig);
}

/* Reads one chunk of a program's output into a STDOUT or STDERR frame; closes the pipe at its end. */
static ssize_t read_output(struct request *r, int *fd, uint8_t type)
{
	frame_begin(type, r->id);
	out_reserve(OUTPUT_CHUNK + CRC_SIZE);
	ssize_t n;
	do
		n = read(*fd, out_tail(), OUTPUT_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		out.len += (size_t)n;
		frame_end();
		return n;
	}
	frame_cancel();
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		close_fd(fd);   /* end of file, or an error after which nothing more comes */
	return 0;
}

/* Reads what a pipe holds now (at most DRAIN_LIMIT bytes), then closes it. */
static void drain_output(struct request *r, int *fd, uint8_t type)
{
	size_t total = 0;
	while (*fd >= 0 && total < DRAIN_LIMIT) {
		ssize_t n = read_output(r, fd, type);
		if (n <= 0)
			break;
		total += (size_t)n;
	}
	close_fd(fd);
}

/* Collects the status of every child that ended (the SIGCHLD handler only wakes the loop). */
static void reap_children(void)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
		for (struct request *r = requests; r != NULL; r = r->next) {
			if (r->kind == REQ_EXEC && r->pid == pid && !r->reaped) {
				r->reaped = 1;
				r->wait_status = status;
				r->exit_ms = now_ms();
				break;
			}
		}
	}
}

/* Sends EXITED or SIGNALED for every program that ended and whose output is complete. */
static void finish_execs(int64_t now)
{
	struct request *r = requests;
	while (r != NULL) {
		struct request *next = r->next;
		if (r->kind == REQ_EXEC && r->reaped) {
			if ((r->out_fd >= 0 || r->err_fd >= 0) && now >= r->exit_ms + EXIT_GRACE_MS) {
				/* What the program itself wrote is in the pipes already; leftover writers lose. */
				drain_output(r, &r->out_fd, T_STDOUT);
				drain_output(r, &r->err_fd, T_STDERR);
			}
			if (r->out_fd < 0 && r->err_fd < 0) {
				if (WIFSIGNALED(r->wait_status)) {
					frame_begin(T_SIGNALED, r->id);
					put_u32((uint32_t)WTERMSIG(r->wait_status));
					put_u8(WCOREDUMP(r->wait_status) ? 1 : 0);
				} else {
					frame_begin(T_EXITED, r->id);
					put_u32((uint32_t)WEXITSTATUS(r->wait_status));
				}
				frame_end();
				remove_request(r);
			}
		}
		r = next;
	}
}

/* ---- PUT ---- */

/* Records a PUT's first failure; the ERROR goes out after the host's END. */
static void put_fail(struct request *r, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put_fail(struct request *r, int err, const char *fmt, ...)
{
	if (r->error != 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof r->message, fmt, ap);
	va_end(ap);
	r->error = err;
	if (r->fd >= 0) {
		close_fd(&r->fd);
		unlink(r->temp);
	}
}

/* PUT: str path, u32 mode, u64 size. DATA frames and END follow. */
static void handle_put(const struct frame *f)
{
	expect_new_id(f);
	struct reader rd = reader_of(f);
	char *path = get_str(&rd, "the path");
	uint32_t mode = get_u32(&rd, "the mode");
	uint64_t size = get_u64(&rd, "the size");
	expect_end(&rd);
	if (mode > 07777)
		frame_fatal(f, "mode 0%o has bits beyond the permission bits 07777", mode);
	struct request *r = add_request(f->id, REQ_PUT);
	r->path = path;
	r->mode = mode;
	r->size = size;
	r->temp = xcalloc(1, strlen(path) + sizeof TEMP_SUFFIX);
	strcpy(r->temp, path);
	strcat(r->temp, TEMP_SUFFIX);
	if (path[0] == '\0') {
		put_fail(r, ENOENT, "the path is empty");
		return;
	}
	r->fd = open(r->temp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
	if (r->fd < 0) {
		int err = errno;
		put_fail(r, err, "cannot create %s: %s", r->temp, strerror(err));
	}
}

/* The request a DATA or END frame continues: a PUT in progress. */
static struct request *transfer_of(const struct frame *f, const char *type)
{
	struct request *r = find_request(f->id);
	if (r == NULL || r->kind != REQ_PUT)
		frame_fatal(f, "%s for request %u, which is not a PUT in progress", type, f->id);
	return r;
}

static void handle_data(const struct frame *f)
{
	struct request *r = transfer_of(f, "DATA");
	r->crc = crc32_update(r->crc, f->payload, f->len);
	if (r->moved > UINT64_MAX - f->len)
		frame_fatal(f, "more DATA than a u64 counts");
	r->moved += f->len;
	if (r->error != 0)
		return;   /* failed already: the rest is read and dropped until END */
	if (r->moved > r->size)
		put_fail(r, EBADMSG, "more data than the %llu bytes the PUT declared", (unsigned long long)r->size);
	else if (write_all(r->fd, f->payload, f->len) != 0) {
		int err = errno;
		put_fail(r, err, "cannot write %s: %s", r->temp, strerror(err));
	}
}

/* Makes a rename durable: fsync of the directory holding path (best effort). */
static void sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[MAX_STRING + 2];
	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == path)
		strcpy(dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* END of a PUT: u64 size, u32 crc32. Checks them, then moves the file into place; DONE or ERROR. */
static void handle_put_end(const struct frame *f)
{
	struct request *r = transfer_of(f, "END");
	struct reader rd = reader_of(f);
	uint64_t size = get_u64(&rd, "the size");
	uint32_t crc = get_u32(&rd, "the CRC-32");
	expect_end(&rd);
	if (r->moved != r->size || size != r->size)
		put_fail(r, EBADMSG, "size mismatch: the PUT declared %llu bytes, DATA brought %llu, END says %llu",
			 (unsigned long long)r->size, (unsigned long long)r->moved, (unsigned long long)size);
	else if (crc != r->crc)
		put_fail(r, EBADMSG, "CRC-32 mismatch: END says 0x%08x, the data has 0x%08x", crc, r->crc);
	if (r->error == 0 && fsync(r->fd) != 0)
		put_fail(r, errno, "cannot sync %s: %s", r->temp, strerror(errno));
	if (r->error == 0 && fchmod(r->fd, (mode_t)r->mode) != 0)
		put_fail(r, errno, "cannot set the mode of %s: %s", r->temp, strerror(errno));
	if (r->error == 0) {
		int fd = r->fd;
		r->fd = -1;
		if (close(fd) != 0)
			put_fail(r, errno, "cannot close %s: %s", r->temp, strerror(errno));
	}
	if (r->error == 0 && rename(r->temp, r->path) != 0) {
		int err = errno;
		unlink(r->temp);
		put_fail(r, err, "cannot rename %s to %s: %s", r->temp, r->path, strerror(err));
	}
	if (r->error != 0) {
		send_error(r->id, r->error, "%s", r->message);
	} else {
		sync_parent(r->path);
		frame_begin(T_DONE, r->id);
		frame_end();
	}
	remove_request(r);
}

/* ---- GET ---- */

/* Sends ERROR unless st is a regular file of at most max_size bytes; returns 0 if it is one. */
static int check_gettable(uint32_t id, const char *path, const struct stat *st, uint64_t max_size)
{
	if (S_ISDIR(st->st_mode)) {
		send_error(id, EISDIR, "%s is a directory, not a regular file", path);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		send_error(id, EINVAL, "%s is not a regular file", path);
		return -1;
	}
	if ((uint64_t)st->st_size > max_size) {
		send_error(id, EFBIG, "%s has %llu bytes, more than the %llu allowed", path,
			   (unsigned long long)st->st_size, (unsigned long long)max_size);
		return -1;
	}
	return 0;
}

/* GET: str path, u64 max_size. Answers FILE now; DATA and END follow as the queue has room. */
static void handle_get(const struct frame *f)
{
	expect_new_id(f);
	struct reader rd = reader_of(f);
	char *path = get_str(&rd, "the path");
	uint64_t max_size = get_u64(&rd, "the maximum size");
	expect_end(&rd);
	struct stat st;
	/* stat first, so that a device or a FIFO is refused without being opened. */
	if (stat(path, &st) != 0) {
		int err = errno;
		send_error(f->id, err, "cannot read %s: %s", path, strerror(err));
	} else if (check_gettable(f->id, path, &st, max_size) == 0) {
		int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			int err = errno;
			send_error(f->id, err, "cannot read %s: %s", path, strerror(err));
		} else if (fstat(fd, &st) != 0) {
			int err = errno;
			close(fd);
			send_error(f->id, err, "cannot read %s: %s", path, strerror(err));
		} else if (check_gettable(f->id, path, &st, max_size) != 0) {
			close(fd);   /* it changed between stat and open */
		} else {
			struct request *r = add_request(f->id, REQ_GET);
			r->path = path;
			path = NULL;
			r->fd = fd;
			r->size = (uint64_t)st.st_size;
			frame_begin(T_FILE, f->id);
			put_u32(st.st_mode & 07777);
			put_u64(r->size);
			frame_end();
		}
	}
	free(path);
}

/* Sends the next DATA chunk of every GET, or its END when all of it went; one chunk each per call. */
static void pump_gets(void)
{
	struct request *r = requests;
	while (r != NULL) {
		struct request *next = r->next;
		if (r->kind == REQ_GET) {
			if (r->moved == r->size) {
				frame_begin(T_END, r->id);
				put_u64(r->size);
				put_u32(r->crc);
				frame_end();
				remove_request(r);
			} else {
				uint64_t left = r->size - r->moved;
				size_t chunk = left < OUTPUT_CHUNK ? (size_t)left : OUTPUT_CHUNK;
				frame_begin(T_DATA, r->id);
				out_reserve(chunk + CRC_SIZE);
				ssize_t n;
				do
					n = read(r->fd, out_tail(), chunk);
				while (n < 0 && errno == EINTR);
				if (n > 0) {
					r->crc = crc32_update(r->crc, out_tail(), (size_t)n);
					r->moved += (uint64_t)n;
					out.len += (size_t)n;
					frame_end();
				} else {
					int err = n < 0 ? errno : EIO;
					frame_cancel();
					send_error(r->id, err, "cannot read %s: %s", r->path,
						   n < 0 ? strerror(err) : "it became shorter while being read");
					remove_request(r);
				}
			}
		}
		r = next;
	}
}

static int gets_pending(void)
{
	for (struct request *r = requests; r != NULL; r = r->next)
		if (r->kind == REQ_GET)
			return 1;
	return 0;
}

/* ---- KLOG ---- */

static struct request *klog_request(void)
{
	for (struct request *r = requests; r != NULL; r = r->next)
		if (r->kind == REQ_KLOG)
			return r;
	return NULL;
}

/*
 * The sequence number of a /dev/kmsg record, "<level and facility>,<sequence>,<timestamp>,<flags>...;"
 * (the kernel's Documentation/ABI/testing/dev-kmsg); returns 0 and sets *seq, or -1 if the record
 * does not start that way.
 */
static int record_sequence(const uint8_t *p, size_t n, uint64_t *seq)
{
	size_t i = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	if (i == 0 || i == n || p[i] != ',')
		return -1;
	size_t start = ++i;
	uint64_t v = 0;
	while (i < n && p[i] >= '0' && p[i] <= '9') {
		unsigned digit = p[i] - '0';
		if (v > (UINT64_MAX - digit) / 10)
			return -1;
		v = v * 10 + digit;
		i++;
	}
	if (i == start || i == n || (p[i] != ',' && p[i] != ';'))
		return -1;
	*seq = v;
	return 0;
}

/* KLOG: u64 from_sequence. Opens the kernel log; RECORDS follow as the queue has room. */
static void handle_klog(const struct frame *f)
{
	expect_new_id(f);
	struct reader rd = reader_of(f);
	uint64_t from = get_u64(&rd, "the first sequence number");
	expect_end(&rd);
	struct request *busy = klog_request();
	if (busy != NULL) {
		send_error(f->id, EBUSY, "the kernel log is streaming already, on request %u", busy->id);
		return;
	}
	int fd = open(kmsg_path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		send_error(f->id, err, "cannot read the kernel log %s: %s", kmsg_path, strerror(err));
		return;
	}
	struct request *r = add_request(f->id, REQ_KLOG);
	r->fd = fd;
	klog.pending = 0;
	klog.next = from;
	klog.next_known = 1;
	klog.lost = 0;
	klog.syncs = 0;
}

/* Sends one SYNCED per pending SYNC: every record the ring held was read and is queued before it. */
static void send_synced(uint32_t id)
{
	for (; klog.syncs > 0; klog.syncs--) {
		frame_begin(T_SYNCED, id);
		frame_end();
	}
}

/*
 * SYNC: empty, on the KLOG's id. Counted; answered by pump_klog when a read of the kernel log
 * returns EAGAIN, after the RECORDS frames of what it read. A source that ended (only a test's)
 * has nothing more to read: answered at once. A SYNC for a request not in flight crossed the
 * KLOG's ERROR on the way and is ignored; one for another kind of request is a bad frame.
 */
static void handle_sync(const struct frame *f)
{
	struct reader rd = reader_of(f);
	expect_end(&rd);
	struct request *r = find_request(f->id);
	if (r == NULL)
		return;
	if (r->kind != REQ_KLOG)
		frame_fatal(f, "SYNC for request %u, which is not the kernel log's stream", f->id);
	if (klog.syncs == UINT32_MAX)
		frame_fatal(f, "more than %u SYNCs unanswered", UINT32_MAX);
	klog.syncs++;
	if (r->fd < 0)
		send_synced(r->id);
}

/* Sends LOST: u64 count_hint, the records between the one expected and seq (0: not known). */
static void send_lost(uint32_t id, int seq_known, uint64_t seq)
{
	uint64_t hint = seq_known && klog.next_known && seq > klog.next ? seq - klog.next : 0;
	frame_begin(T_LOST, id);
	put_u64(hint);
	frame_end();
	klog.lost = 0;
}

/*
 * Reads records of the kernel log into one RECORDS frame: one record per read(2), as /dev/kmsg gives
 * them, until the payload would pass RECORDS_PAYLOAD or no record is there. A record that would not
 * fit stays pending for the next round. Records below from_sequence are skipped. A read that fails
 * with EPIPE (the ring overwrote records: the kernel moved this reader to its oldest record) or
 * EINVAL (a record longer than the buffer: the kernel skipped it) is a gap: the frame built so far
 * goes out, then LOST before the next record, and the round ends. Any other failure ends the
 * request with ERROR.
 */
static void pump_klog(struct request *r)
{
	size_t payload = 0;
	frame_begin(T_RECORDS, r->id);
	for (int reads = 0; reads < KLOG_READS_PER_ROUND && r->fd >= 0; reads++) {
		if (klog.pending == 0) {
			ssize_t n = read(r->fd, klog.record, sizeof klog.record);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				/* The ring is read to its end: what it held is in the frame or queued before it. */
				if (payload > 0)
					frame_end();
				else
					frame_cancel();
				if (klog.lost)
					send_lost(r->id, 0, 0);
				send_synced(r->id);
				return;
			}
			if (n < 0 && (errno == EPIPE || errno == EINVAL)) {
				klog.lost = 1;
				continue;
			}
			if (n < 0) {
				int err = errno;
				frame_cancel();
				send_error(r->id, err, "cannot read the kernel log %s: %s", kmsg_path, strerror(err));
				remove_request(r);
				return;
			}
			if (n == 0) {
				/* Only a test's source ends (/dev/kmsg never does): nothing more will come. */
				close_fd(&r->fd);
				if (payload > 0)
					frame_end();
				else
					frame_cancel();
				send_synced(r->id);
				return;
			}
			uint64_t seq = 0;
			int seq_known = record_sequence(klog.record, (size_t)n, &seq) == 0;
			if (seq_known && klog.next_known && seq < klog.next) {
				/* Below from_sequence: the host has it, and it has what the ring overwrote before it. */
				klog.lost = 0;
				continue;
			}
			if (klog.lost) {
				klog.pending = (size_t)n;
				if (payload > 0)
					frame_end();
				else
					frame_cancel();
				send_lost(r->id, seq_known, seq);
				klog.next = seq + 1;
				klog.next_known = seq_known;
				return;   /* the record goes out next round */
			}
			klog.pending = (size_t)n;
			klog.next = seq + 1;
			klog.next_known = seq_known;
		}
		/* A record longer than RECORDS_PAYLOAD - 2 goes out alone, in a frame of its own. */
		if (payload > 0 && payload + 2 + klog.pending > RECORDS_PAYLOAD)
			break;
		put_u16((uint16_t)klog.pending);
		put_bytes(klog.record, klog.pending);
		payload += 2 + klog.pending;
		klog.pending = 0;
		if (payload + 2 >= RECORDS_PAYLOAD)
			break;
	}
	if (payload > 0)
		frame_end();
	else
		frame_cancel();
}

/* ---- Frames from the host ---- */

/* WELCOME: u16 version, u32 max_payload. */
static void handle_welcome(const struct frame *f)
{
	if (f->id != 0)
		frame_fatal(f, "WELCOME must have request id 0");
	struct reader r = reader_of(f);
	uint16_t chosen = get_u16(&r, "the version");
	uint32_t max_payload = get_u32(&r, "the maximum payload");
	expect_end(&r);
	if (chosen < MIN_VERSION || chosen > MAX_VERSION)
		frame_fatal(f, "version %u; the agent speaks %d to %d", chosen, MIN_VERSION, MAX_VERSION);
	if (max_payload < MIN_PEER_PAYLOAD)
		frame_fatal(f, "maximum payload %u is below the protocol's minimum %u", max_payload, MIN_PEER_PAYLOAD);
	version = chosen;
	welcomed = 1;
}

/*
 * RESEED (version 3): u64 realtime_ns, bytes entropy (64 to 512). Adds the entropy to the kernel's
 * pool crediting 8 bits a byte (RNDADDENTROPY), makes the CRNG reseed from the pool now rather
 * than at its next interval (RNDRESEEDCRNG), and sets CLOCK_REALTIME; all before the agent reads
 * the host's next frame, so every program it starts afterwards sees the new pool and clock. Each
 * step is tried even when one before failed. Answers DONE, or ERROR with the first failure's errno
 * and what each step did.
 */
static void handle_reseed(const struct frame *f)
{
	if (version < RESEED_VERSION)
		frame_fatal(f, "RESEED is not a frame of version %d", version);
	expect_new_id(f);
	struct reader rd = reader_of(f);
	uint64_t realtime_ns = get_u64(&rd, "the wall clock");
	size_t n = rd.left;
	if (n < MIN_RESEED_BYTES || n > MAX_RESEED_BYTES)
		frame_fatal(f, "%zu bytes of entropy; expected %u to %u", n, MIN_RESEED_BYTES, MAX_RESEED_BYTES);
	const uint8_t *entropy = take(&rd, n, "the entropy");
	if (realtime_ns > (uint64_t)INT64_MAX)
		frame_fatal(f, "a wall clock of %llu ns is out of range", (unsigned long long)realtime_ns);

	int first_err = 0;
	char added[160] = "done", reseeded[160] = "done", clock_set[160] = "done";
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		first_err = errno;
		snprintf(added, sizeof added, "cannot open /dev/urandom: %s", strerror(errno));
		snprintf(reseeded, sizeof reseeded, "not tried");
	} else {
		/* struct rand_pool_info ends in a flexible array of __u32: room for MAX_RESEED_BYTES. */
		union {
			struct rand_pool_info info;
			uint8_t bytes[sizeof(struct rand_pool_info) + MAX_RESEED_BYTES];
		} pool;
		memset(&pool, 0, sizeof pool);
		pool.info.entropy_count = (int)(n * 8);
		pool.info.buf_size = (int)n;
		memcpy(pool.info.buf, entropy, n);
		if (ioctl(fd, RNDADDENTROPY, &pool.info) != 0) {
			first_err = errno;
			snprintf(added, sizeof added, "%s", strerror(errno));
		}
		if (ioctl(fd, RNDRESEEDCRNG) != 0) {
			if (first_err == 0)
				first_err = errno;
			snprintf(reseeded, sizeof reseeded, "%s", strerror(errno));
		}
		close(fd);
	}
	struct timespec ts = {(time_t)(realtime_ns / 1000000000u), (long)(realtime_ns % 1000000000u)};
	if (clock_settime(CLOCK_REALTIME, &ts) != 0) {
		if (first_err == 0)
			first_err = errno;
		snprintf(clock_set, sizeof clock_set, "%s", strerror(errno));
	}
	if (first_err != 0) {
		send_error(f->id, first_err, "RNDADDENTROPY (%zu bytes, %zu bits): %s; RNDRESEEDCRNG: %s;"
			   " clock_settime(CLOCK_REALTIME): %s", n, n * 8, added, reseeded, clock_set);
		return;
	}
	frame_begin(T_DONE, f->id);
	frame_end();
}

static void handle_frame(const struct frame *f)
{
	if (!welcomed) {
		if (f->type != T_WELCOME)
			frame_fatal(f, "the first frame from the host must be WELCOME (0x%02x)", T_WELCOME);
		handle_welcome(f);
		return;
	}
	switch (f->type) {
	case T_EXEC:
		handle_exec(f);
		break;
	case T_KILL:
		handle_kill(f);
		break;
	case T_PUT:
		handle_put(f);
		break;
	case T_DATA:
		handle_data(f);
		break;
	case T_END:
		handle_put_end(f);
		break;
	case T_GET:
		handle_get(f);
		break;
	case T_KLOG:
		handle_klog(f);
		break;
	case T_SYNC:
		handle_sync(f);
		break;
	case T_RESEED:
		handle_reseed(f);
		break;
	case T_WELCOME:
		frame_fatal(f, "a second WELCOME");
	default:
		frame_fatal(f, "type 0x%02x is not a frame the host sends", f->type);
	}
}

/* Handles every complete frame in in_buf; checks each header as soon as it is there. */
static void parse_frames(void)
{
	size_t pos = 0;
	while (in_len - pos >= HEADER_SIZE) {
		const uint8_t *h = in_buf + pos;
		struct frame f = {in_offset + pos, h[2], le32_get(h + 4), h + HEADER_SIZE, le32_get(h + 8)};
		if (h[0] != MAGIC_0 || h[1] != MAGIC_1)
			frame_fatal(&f, "bad magic 0x%02x 0x%02x (expected 0x%02x 0x%02x)", h[0], h[1], MAGIC_0, MAGIC_1);
		if (h[3] != 0)
			frame_fatal(&f, "flags 0x%02x; versions 2 and 3 know none", h[3]);
		if (f.len > MAX_PAYLOAD)
			frame_fatal(&f, "payload length %u is above the maximum %u", f.len, MAX_PAYLOAD);
		size_t total = HEADER_SIZE + (size_t)f.len + CRC_SIZE;
		if (in_len - pos < total)
			break;
		uint32_t expected = le32_get(h + HEADER_SIZE + f.len);
		uint32_t actual = crc32_update(0, h + 2, HEADER_SIZE - 2 + (size_t)f.len);
		if (expected != actual)
			frame_fatal(&f, "bad CRC-32: the frame says 0x%08x, its bytes give 0x%08x", expected, actual);
		handle_frame(&f);
		pos += total;
	}
	memmove(in_buf, in_buf + pos, in_len - pos);
	in_len -= pos;
	in_offset += pos;
}

static void read_channel(void)
{
	ssize_t n = read(chan_in, in_buf + in_len, sizeof in_buf - in_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	if (n < 0)
		finish(EXIT_CHANNEL, "cannot read from the host: %s", strerror(errno));
	if (n == 0)
		finish(EXIT_CLOSED, "the host closed the channel");
	in_len += (size_t)n;
	parse_frames();
}

/* ---- The loop ---- */

static void on_sigchld(int sig)
{
	(void)sig;
	int saved = errno;
	(void)!write(sigchld_pipe[1], "c", 1);
	errno = saved;
}

static void serve(void) __attribute__((noreturn));
static void serve(void)
{
	struct pollfd *fds = NULL;
	struct request **owners = NULL;   /* the request of each pipe in fds, NULL for the others */
	size_t cap = 0;
	for (;;) {
		int64_t now = now_ms();
		finish_execs(now);
		if (out.len < PRODUCE_BELOW)
			pump_gets();
		out_flush();
		/* Decided after the flush: deciding before it could leave a drained queue and no pipe polled. */
		int producing = out.len < PRODUCE_BELOW;

		size_t need = 4;
		for (struct request *r = requests; r != NULL; r = r->next)
			need += 2;
		if (need > cap) {
			cap = need * 2;
			free(fds);
			free(owners);
			fds = xcalloc(cap, sizeof *fds);
			owners = xcalloc(cap, sizeof *owners);
		}
		size_t n = 0;
		short want_in = out.len < READ_BELOW ? POLLIN : 0;
		short want_out = out.len > 0 ? POLLOUT : 0;
		if (chan_in == chan_out) {
			fds[n] = (struct pollfd){.fd = (want_in | want_out) ? chan_in : -1, .events = want_in | want_out};
			owners[n++] = NULL;
		} else {
			fds[n] = (struct pollfd){.fd = want_in ? chan_in : -1, .events = want_in};
			owners[n++] = NULL;
			fds[n] = (struct pollfd){.fd = want_out ? chan_out : -1, .events = want_out};
			owners[n++] = NULL;
		}
		size_t sigchld_index = n;
		fds[n] = (struct pollfd){.fd = sigchld_pipe[0], .events = POLLIN};
		owners[n++] = NULL;
		/* The kernel log: only while the queue is short, and not at all while a record waits for room. */
		struct request *klog_r = klog_request();
		int klog_now = klog_r != NULL && klog_r->fd >= 0 && out.len < KLOG_BELOW;
		size_t klog_index = n;
		fds[n] = (struct pollfd){.fd = klog_now && klog.pending == 0 ? klog_r->fd : -1, .events = POLLIN};
		owners[n++] = NULL;
		size_t first_pipe = n;

		int timeout = -1;
		for (struct request *r = requests; r != NULL; r = r->next) {
			if (r->kind != REQ_EXEC)
				continue;
			if (producing) {
				if (r->out_fd >= 0) {
					fds[n] = (struct pollfd){.fd = r->out_fd, .events = POLLIN};
					owners[n++] = r;
				}
				if (r->err_fd >= 0) {
					fds[n] = (struct pollfd){.fd = r->err_fd, .events = POLLIN};
					owners[n++] = r;
				}
			}
			if (r->reaped && (r->out_fd >= 0 || r->err_fd >= 0)) {
				int64_t left = r->exit_ms + EXIT_GRACE_MS - now;
				int wait = left < 0 ? 0 : (int)left;
				if (timeout < 0 || wait < timeout)
					timeout = wait;
			}
		}
		if (producing && gets_pending())
			timeout = 0;
		if (klog_now && (klog.pending > 0 || klog.syncs > 0))
			timeout = 0;   /* a SYNC is answered after a read that finds the ring empty */

		if (poll(fds, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			finish(EXIT_CHANNEL, "poll: %s", strerror(errno));
		}
		/* The host's frames first, so a KILL is not held up by output. */
		if (fds[0].fd == chan_in && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
			read_channel();
		if (fds[sigchld_index].revents & POLLIN) {
			char drain[64];
			while (read(sigchld_pipe[0], drain, sizeof drain) > 0)
				;
			reap_children();
		}
		for (size_t i = first_pipe; i < n; i++) {
			struct request *r = owners[i];
			if (fds[i].revents == 0)
				continue;
			/* read_channel() neither removes EXEC requests nor closes their pipes, so r holds. */
			if (fds[i].fd == r->out_fd)
				read_output(r, &r->out_fd, T_STDOUT);
			else if (fds[i].fd == r->err_fd)
				read_output(r, &r->err_fd, T_STDERR);
		}
		/* Last: the kernel log, after everything else of this round. POLLERR: the ring overwrote
		 * records this reader had not read (the read then fails with EPIPE). The request may have
		 * ended this round (an agent restart does not happen within one); look it up again. */
		klog_r = klog_request();
		if (klog_now && klog_r != NULL && klog_r->fd >= 0 && out.len < KLOG_BELOW
		    && (klog.pending > 0 || klog.syncs > 0 || (fds[klog_index].revents & (POLLIN | POLLERR | POLLHUP))))
			pump_klog(klog_r);
	}
}

/* ---- Start ---- */

/* Explains why a serial port cannot be used, and exits. */
static void unusable_port(const char *device, const char *doing)
{
	int err = errno;
	/* The 8250 driver creates ttyS1 even when no UART answers at 0x2f8; using it then gives EIO. */
	log_line("cannot %s %s: %s%s", doing, device, strerror(err),
		 err == EIO ? " (no UART answers at its I/O port: the machine has no second serial port)" : "");
	exit(EXIT_USAGE);
}

static void open_tty(const char *device)
{
	/* O_NONBLOCK: open does not wait for a carrier, and the loop never blocks on the channel. */
	int fd = open(device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		unusable_port(device, "open");
	struct termios t;
	if (tcgetattr(fd, &t) != 0)
		unusable_port(device, "read the terminal settings of");
	cfmakeraw(&t);                /* 8 bits, no echo, no translation, no XON/XOFF on output */
	t.c_iflag &= ~(tcflag_t)(IXOFF | IXANY);
	t.c_cflag &= ~(tcflag_t)CRTSCTS;
	t.c_cflag |= CLOCAL | CREAD;  /* no modem lines: no hangup, receive on */
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &t) != 0)
		unusable_port(device, "set raw mode on");
	tcflush(fd, TCIOFLUSH);       /* whatever arrived before raw mode is not the host's */
	chan_in = chan_out = fd;
	chan_is_tty = 1;
	/* The OOM killer should pick a test's program, not the channel that reports on it. */
	int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (adj >= 0) {
		(void)!write(adj, "-1000\n", 6);
		close(adj);
	}
}

static void open_stdio(void)
{
	for (int fd = 0; fd < 2; fd++) {
		stdio_flags[fd] = fcntl(fd, F_GETFL);
		if (stdio_flags[fd] < 0 || set_nonblocking(fd) != 0) {
			log_line("--stdio: fd %d is not usable: %s", fd, strerror(errno));
			exit(EXIT_USAGE);
		}
	}
	chan_in = 0;
	chan_out = 1;
}

/* Opens /dev/null on any of fds 0 to 2 that is closed, so pipes and files never take those numbers. */
static void ensure_standard_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int null_fd = open("/dev/null", O_RDWR);
			if (null_fd != fd) {
				if (null_fd >= 0)
					close(null_fd);
				exit(EXIT_USAGE);
			}
		}
	}
}

static void set_environment(void)
{
	/* The programs' base environment, as the protocol defines it; EXEC adds to it. */
	if (clearenv() != 0 || setenv("PATH", BASE_PATH, 1) != 0 || setenv("HOME", "/", 1) != 0
	    || setenv("TERM", "dumb", 1) != 0) {
		log_line("cannot set the environment");
		exit(EXIT_MEMORY);
	}
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;      /* a closed channel shows as EPIPE, not as death */
	sigaction(SIGPIPE, &sa, NULL);
	if (pipe2(sigchld_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
		log_line("cannot create the SIGCHLD pipe: %s", strerror(errno));
		exit(EXIT_USAGE);
	}
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
}

static void send_hello(void)
{
	frame_begin(T_HELLO, 0);
	put_u16(MIN_VERSION);
	put_u16(MAX_VERSION);
	put_u32(MAX_PAYLOAD);
	put_str(AGENT_NAME);
	frame_end();
}

static int usage(void)
{
	fprintf(stderr, "usage: bootkernel-agent [--kmsg PATH] [DEVICE]   (default /dev/ttyS1)\n"
			"       bootkernel-agent [--kmsg PATH] --stdio    (the channel on standard input and output)\n"
			"  --kmsg PATH: read the kernel log from PATH instead of /dev/kmsg (for tests)\n");
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *device = "/dev/ttyS1";
	int use_stdio = 0;
	int have_device = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--stdio") == 0 && !use_stdio && !have_device) {
			use_stdio = 1;
		} else if (strcmp(argv[i], "--kmsg") == 0 && i + 1 < argc && argv[i + 1][0] != '\0') {
			kmsg_path = argv[++i];
		} else if (argv[i][0] != '-' && argv[i][0] != '\0' && !use_stdio && !have_device) {
			device = argv[i];
			have_device = 1;
		} else {
			return usage();
		}
	}
	crc_init();
	ensure_standard_fds();
	set_environment();
	if (chdir("/") != 0)
		log_line("cannot change to /: %s", strerror(errno));
	install_signals();
	if (use_stdio)
		open_stdio();
	else
		open_tty(device);
	send_hello();
	serve();
}
