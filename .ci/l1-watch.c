/*
 * l1-watch: runs inside the nested VM ("L1", see ../shared/nested-kvm/run) next to the
 * integration tests and says, when L1 stalls, which of two suspects stopped:
 *   (a) the local timer: an hrtimer interrupt was lost, cpu_base->expires_next stays in the
 *       past, and no later timer reprograms the LAPIC (hrtimer_reprogram() only does so for
 *       a timer that expires before expires_next), so every sleeper waits for ever;
 *   (b) the virtio-9p transport: a request to the host's file system (L1's root) never
 *       completes, and every process that touches the root file system blocks.
 *
 * How it stays independent of both:
 *   - it never execs and touches 9p only in its probe thread: mlockall(MCL_CURRENT |
 *     MCL_FUTURE) after a static link keeps all its code and data resident, and every file it
 *     reads later (/dev/rtc0, /proc/timer_list, /proc/interrupts, /dev/kmsg,
 *     /proc/sysrq-trigger) is opened before the first wake-up; procfs, devtmpfs and the
 *     console are not 9p (nested-kvm/run mounts proc, sysfs and devtmpfs inside the chroot);
 *   - it wakes up through the CMOS RTC alarm (RTC_WKALM_SET, then ppoll without a timeout and
 *     read of /dev/rtc0). On Debian's 6.1 kernel in L1 ("rtc_cmos 00:04: ... hpet irqs") that alarm is
 *     emulated by HPET channel 1 on IRQ 8 (arch/x86/kernel/hpet.c, CONFIG_HPET_EMULATE_RTC):
 *     hpet_rtc_interrupt() re-arms the HPET comparator itself and compares the CMOS time with
 *     the alarm; a match goes cmos_interrupt() -> rtc_update_irq() -> schedule_work() ->
 *     rtc_timer_do_work() (a kworker) -> rtc_handle_legacy_irq() -> wake_up_interruptible(),
 *     and poll without a timeout waits with schedule() alone. No hrtimer, no timer_list and no
 *     LAPIC on that path (the RTC *periodic* interrupt, RTC_PIE_ON, is an hrtimer: not used;
 *     /dev/hpet would be hrtimer-free too, but in L1 its free channel gets no IRQ: HPET_IE_ON
 *     fails with EIO). The cost: 64 HPET interrupts a second (DEFAULT_RTC_INT_FREQ) for as long
 *     as an alarm is set, which is always;
 *   - its output is its stdout, which inside L1 is /dev/console (the serial port), not 9p; the
 *     start line names what fd 1 is.
 *
 * Every INTERVAL seconds (RTC alarm) it checks:
 *   1. its own periodic timerfd (CLOCK_MONOTONIC, 1 s; a timerfd re-arms only when read, so it
 *      costs one expiry per wake-up): had it fired since the last wake-up? If it is more than
 *      STALL seconds late: "l1-watch: TIMER STALL ...", the relevant lines of /proc/timer_list
 *      and /proc/interrupts, then the kick: a second timerfd armed with TFD_TIMER_ABSTIME at
 *      CLOCK_MONOTONIC 1 ns, which is before any expires_next, so hrtimer_start() ->
 *      hrtimer_reprogram() -> tick_program_event(force) -> clockevents_program_event() sees a
 *      negative delta and programs the device's minimum delta: one interrupt, and
 *      hrtimer_interrupt() runs every expired timer and reprograms for the next. It reports
 *      whether the kick timer and the periodic timer fired within a second (busy-polled).
 *   2. a 9p probe (open, fstat, close of PROBE, by default "/", L1's 9p root), run by a thread
 *      of its own so that it may block: if one has not returned after STALL seconds,
 *      "l1-watch: 9P STALL ...", /proc/interrupts, and the blocked tasks (sysrq w) read back
 *      from /dev/kmsg.
 * A recovery of either is reported too. Kernel messages of level err (3) are relayed as they
 * appear (L1 boots with loglevel=3, which shows only levels 0-2: the hung-task warning is err),
 * with the task dump that follows a hung-task warning, but not KVM's "kvm [pid]: ..." (an L2
 * guest's ignored MSR and the like); warnings (4) are kept and shown with a stall report.
 *
 * In normal operation it prints one start line and nothing else, and it ends with its parent
 * (PR_SET_PDEATHSIG with SIGTERM, on which it turns the alarm off; and a getppid() check on
 * each wake-up).
 *
 * Build (on the host, never in L1): .ci/build-l1-watch. Start in L1: .ci/with-l1-watch.
 * Options for tests: --debug prints each wake-up; --probe names a path whose open may block (a
 * FIFO with no writer simulates a 9p stall; not on 9p, whose server in QEMU refuses to open
 * special files); --simulate-timer-stall START,LENGTH ignores the periodic timerfd for LENGTH
 * seconds from START seconds after the start. A real lost timer interrupt needs a debugger:
 * on 2026-11-30, L1 booted by hand with nokaslr and QEMU's gdbstub, gdb made one call of
 * lapic_next_event() return without writing TMICT. Every timer stopped for good (expires_next
 * and the lapic's next_event stayed at 14.1 s while "now" passed 25 s; LOC and jiffies froze; a
 * sleep 1 loop stopped), this watcher reported the stall 8 s late (its RTC alarms went on), and
 * the kick fired after 48 ms: the periodic timer fired with it and the sleep loop went on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/rtc.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define TICK_SECONDS 1            /* period of the periodic timerfd */
#define KICK_WAIT_SECONDS 1.0     /* how long the kick's effect is awaited (busy-polled) */
#define RELAY_LIMIT 400           /* kernel lines relayed per run, at most */
#define RECENT 32                 /* warnings kept for a stall report */

struct options {
	const char *rtc_path;
	const char *probe_path;
	int interval;             /* seconds between RTC alarms */
	int stall;                /* seconds without progress that make a stall */
	pid_t parent;
	bool debug;
	int sim_start, sim_length; /* simulated timer stall, seconds after the start; -1: none */
};

static struct options opt = {
	.rtc_path = "/dev/rtc0", .probe_path = "/", .interval = 5, .stall = 20,
	.parent = 0, .debug = false, .sim_start = -1, .sim_length = 0,
};

/* ---- output: one write(2) per line to fd 1, no stdio (no buffers, no locale) ---- */

static void write_all(const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere left to say it */
		p += w;
		n -= (size_t)w;
	}
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[1024];
	int n = snprintf(line, sizeof line, "l1-watch: ");
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	line[len++] = '\n';
	write_all(line, len);
}

/* strerrordesc_np: the English text, without the locale files strerror() may load (9p). */
static const char *err_text(int e)
{
	const char *d = strerrordesc_np(e);
	return d ? d : "unknown error";
}

static void die(const char *what, int e) __attribute__((noreturn));
static void die(const char *what, int e)
{
	say("stopped: %s: %s (%s)", what, strerrorname_np(e) ? strerrorname_np(e) : "?", err_text(e));
	exit(1);
}

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: reads the TSC, needs no interrupt */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- procfs dumps: read an fd opened at the start from offset 0, line by line ---- */

typedef bool (*line_filter)(const char *line, void *state);

static void dump_lines(int fd, const char *title, line_filter keep, void *state)
{
	static char buf[65536];
	char line[512];
	size_t used = 0;
	if (fd < 0)
		return;
	say("%s:", title);
	if (lseek(fd, 0, SEEK_SET) < 0) {
		say("  (lseek: %s)", err_text(errno));
		return;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say("  (read: %s)", err_text(errno));
			return;
		}
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (used < sizeof line - 1)
					line[used++] = buf[i];
				continue;
			}
			line[used] = '\0';
			used = 0;
			if (keep(line, state))
				say("  %s", line);
		}
	}
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * /proc/timer_list (kernel/time/timer_list.c): "now at", per CPU the hrtimer base's
 * expires_next and counters, each clock base's first timer (#0, with "[in X nsecs]", negative
 * when overdue), the tick devices (lapic per CPU, hpet as broadcast) with their next_event,
 * and the broadcast masks.
 */
struct timer_list_state {
	char clock[32];  /* the last " clock N:" header, printed before that base's #0 */
	bool in_first;   /* the line after " #0:" is its "# expires at" */
};

static bool timer_list_line(const char *l, void *p)
{
	struct timer_list_state *s = p;
	if (starts(l, " clock ")) {
		snprintf(s->clock, sizeof s->clock, "%s", l);
		return false;
	}
	if (starts(l, " #0:")) {
		if (s->clock[0])
			say("  %s", s->clock);
		s->clock[0] = '\0';
		s->in_first = true;
		return true;
	}
	if (starts(l, " # expires at")) {
		bool first = s->in_first;
		s->in_first = false;
		return first;
	}
	static const char *const keep[] = {
		"now at", "cpu:", "  .expires_next", "  .hres_active", "  .nr_events", "  .nr_retries",
		"  .nr_hangs", "  .max_hang_time", "  .tick_stopped", "  .last_tick", "  .next_timer",
		"  .idle_expires", "jiffies:", "Tick Device:", "Broadcast device", "Per CPU device:",
		"Clock Event Device:", " mode:", " next_event:", " retries:", "tick_broadcast",
	};
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		if (starts(l, keep[i]))
			return true;
	return false;
}

/* /proc/interrupts: the header, the local timer (LOC), and the timer, RTC/HPET, virtio lines. */
static bool interrupts_line(const char *l, void *p)
{
	(void)p;
	return strstr(l, "CPU0") || strstr(l, "LOC:") || strstr(l, "SPU:") || strstr(l, "virtio") ||
	       strstr(l, "rtc") || strstr(l, "timer") || strstr(l, "hpet");
}

/* ---- kernel messages (/dev/kmsg: "prio,seq,usec,flags;text", continuation lines " K=V") ---- */

static int kmsg_fd = -1;
static int relayed;              /* kernel lines relayed so far */
static int follow;               /* records still to relay after a hung-task warning */
/*
 * While a reported stall lasts, at most STALL_RELAY_LIMIT kernel lines are relayed (about one
 * hung-task report with its stack), besides the sysrq dump of the report itself: the hung-task
 * detector warns every 120 s, up to 10 times, and lines that kept coming would keep the step's
 * silence limit (.ci/watch-silence) from ending a frozen try.
 */
#define STALL_RELAY_LIMIT 40
static bool stall_reported;
static int stall_relayed;
static char recent[RECENT][240]; /* the last warnings (level 4) and errors, for a stall report */
static int recent_next, recent_count;
static unsigned long rtc_emulation_notes; /* "hpet: Lost N RTC interrupts", not kept */

/*
 * The HPET's RTC emulation warns whenever its 64 Hz interrupt came later than the next one was
 * due (hpet_rtc_timer_reinit), which under QEMU's TCG happens every few seconds while an alarm is
 * set, that is, while this program runs. Those are counted, not kept or relayed.
 */
static bool rtc_emulation_note(const char *body)
{
	return (strstr(body, "hpet: Lost ") && strstr(body, " RTC interrupts")) ||
	       strstr(body, "hpet_rtc_timer_reinit: ");
}

static void relay(const char *text, bool dump)
{
	if (stall_reported && !dump && stall_relayed++ >= STALL_RELAY_LIMIT)
		return;
	if (relayed < RELAY_LIMIT)
		say("kernel: %s", text);
	else if (relayed == RELAY_LIMIT)
		say("kernel: (%d lines relayed; no more)", RELAY_LIMIT);
	relayed++;
}

/* Reads every new record. all: relay them all (a sysrq dump), else only errors (level 3). */
static void drain_kmsg(bool all)
{
	char rec[8192], text[240];
	if (kmsg_fd < 0)
		return;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof rec - 1);
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue; /* EPIPE: records were overwritten; the next read goes on */
		if (n <= 0)
			return;   /* EAGAIN: no more */
		rec[n] = '\0';
		char *semi = strchr(rec, ';');
		if (!semi)
			continue;
		int level = atoi(rec) & 7;
		unsigned long long usec = 0;
		const char *f = strchr(rec, ',');
		if (f && (f = strchr(f + 1, ',')))
			usec = strtoull(f + 1, NULL, 10);
		char *body = semi + 1;
		body[strcspn(body, "\n")] = '\0';
		if (rtc_emulation_note(body)) {
			rtc_emulation_notes++;
			continue;
		}
		snprintf(text, sizeof text, "<%d>[%5llu.%06llu] %s", level, usec / 1000000, usec % 1000000,
			 body);
		if (level <= 4) {
			memcpy(recent[recent_next], text, sizeof text);
			recent_next = (recent_next + 1) % RECENT;
			if (recent_count < RECENT)
				recent_count++;
		}
		if (all || follow > 0) {
			relay(text, all);
			if (follow > 0)
				follow--;
		} else if (level == 3 && !starts(body, "kvm [")) {
			relay(text, false); /* not KVM's (kvm_pr_unimpl: an L2 guest's ignored MSR...) */
		}
		if (level <= 3 && strstr(body, "blocked for more than"))
			follow = 40; /* the task's stack follows at level 6 */
	}
}

static void show_recent_kmsg(void)
{
	say("kernel warnings and errors since the start: %d shown (the last), besides %lu of the HPET's "
	    "RTC emulation (\"hpet: Lost N RTC interrupts\")", recent_count, rtc_emulation_notes);
	for (int i = 0; i < recent_count; i++)
		say("  %s", recent[(recent_next - recent_count + i + RECENT) % RECENT]);
}

/* ---- the 9p probe thread ---- */

static pthread_mutex_t probe_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t probe_asked = PTHREAD_COND_INITIALIZER;
static uint64_t probe_requested, probe_done;
static int probe_errno;

static void *probe_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&probe_lock);
	for (;;) {
		while (probe_done == probe_requested)
			pthread_cond_wait(&probe_asked, &probe_lock); /* a futex wait: no timeout */
		uint64_t asked = probe_requested;
		pthread_mutex_unlock(&probe_lock);

		int e = 0;
		int fd = open(opt.probe_path, O_RDONLY | O_NOCTTY | O_CLOEXEC); /* 9p: walk, lopen */
		struct stat st;
		if (fd < 0)
			e = errno;
		else if (fstat(fd, &st) < 0) /* 9p: getattr (no attribute cache without cache=) */
			e = errno;
		if (fd >= 0)
			close(fd); /* 9p: clunk */

		pthread_mutex_lock(&probe_lock);
		probe_done = asked;
		probe_errno = e;
	}
	return NULL;
}

/* ---- RTC alarm ---- */

static int rtc_fd = -1;
static volatile sig_atomic_t stop_signal; /* SIGTERM (also the parent's death) or SIGINT */

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* Arms the alarm `seconds` from the RTC's present time (the RTC keeps UTC in L1). */
static void arm_rtc_alarm(int seconds, struct rtc_time *now_out)
{
	struct rtc_time now;
	if (ioctl(rtc_fd, RTC_RD_TIME, &now) < 0)
		die("RTC_RD_TIME", errno);
	struct tm tm = {
		.tm_sec = now.tm_sec, .tm_min = now.tm_min, .tm_hour = now.tm_hour,
		.tm_mday = now.tm_mday, .tm_mon = now.tm_mon, .tm_year = now.tm_year,
	};
	time_t then = timegm(&tm) + seconds; /* timegm: no time zone files */
	struct tm at;
	gmtime_r(&then, &at);
	struct rtc_wkalrm alarm = {
		.enabled = 1,
		.time = { .tm_sec = at.tm_sec, .tm_min = at.tm_min, .tm_hour = at.tm_hour,
			  .tm_mday = at.tm_mday, .tm_mon = at.tm_mon, .tm_year = at.tm_year,
			  .tm_wday = -1, .tm_yday = -1, .tm_isdst = -1 },
	};
	if (ioctl(rtc_fd, RTC_WKALM_SET, &alarm) < 0)
		die("RTC_WKALM_SET", errno);
	if (now_out)
		*now_out = now;
}

/*
 * Blocks until the alarm's interrupt; returns the rtc-dev data word (RTC_AF etc.). SIGTERM and
 * SIGINT are blocked except inside ppoll (no timeout: plain schedule(), no hrtimer), so one that
 * comes at any time ends the wait: it turns the alarm off (rtc-dev's release leaves it set, and
 * the HPET's 64 Hz RTC emulation would run until it fired) and exits.
 */
static unsigned long wait_rtc_alarm(const sigset_t *waiting_mask)
{
	unsigned long data;
	for (;;) {
		struct pollfd pfd = { .fd = rtc_fd, .events = POLLIN };
		int r = ppoll(&pfd, 1, NULL, waiting_mask);
		if (stop_signal) {
			ioctl(rtc_fd, RTC_AIE_OFF, 0);
			if (opt.debug)
				say("signal %d (the parent ended?); alarm off, exiting", (int)stop_signal);
			exit(0);
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("ppoll of the RTC", errno);
		ssize_t n = read(rtc_fd, &data, sizeof data); /* returns at once: data is there */
		if (n == (ssize_t)sizeof data)
			return data;
		if (n < 0 && errno == EINTR)
			continue;
		die("read of the RTC", n < 0 ? errno : EIO);
	}
}

/* ---- options ---- */

static int parse_int(const char *name, const char *s, int min, int max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		say("bad option %s \"%s\": expected an integer from %d to %d", name, s, min, max);
		exit(2);
	}
	return (int)v;
}

static void usage(void)
{
	say("usage: l1-watch [--parent PID] [--interval SECONDS] [--stall SECONDS] [--probe PATH] "
	    "[--rtc DEVICE] [--debug] [--simulate-timer-stall START,LENGTH]");
	exit(2);
}

static void parse_options(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "parent", required_argument, NULL, 'P' },
		{ "interval", required_argument, NULL, 'i' },
		{ "stall", required_argument, NULL, 's' },
		{ "probe", required_argument, NULL, 'p' },
		{ "rtc", required_argument, NULL, 'r' },
		{ "debug", no_argument, NULL, 'd' },
		{ "simulate-timer-stall", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "P:i:s:p:r:dT:", longs, NULL)) != -1) {
		switch (c) {
		case 'P': opt.parent = parse_int("--parent", optarg, 1, 1 << 30); break;
		/* 2 s at least: the RTC counts whole seconds, so an alarm 1 s ahead may come at once. */
		case 'i': opt.interval = parse_int("--interval", optarg, 2, 3600); break;
		case 's': opt.stall = parse_int("--stall", optarg, 2, 86400); break;
		case 'p': opt.probe_path = optarg; break;
		case 'r': opt.rtc_path = optarg; break;
		case 'd': opt.debug = true; break;
		case 'T': {
			char *comma = strchr(optarg, ',');
			if (!comma) {
				say("bad option --simulate-timer-stall \"%s\": expected START,LENGTH (seconds)",
				    optarg);
				exit(2);
			}
			*comma = '\0';
			opt.sim_start = parse_int("--simulate-timer-stall START", optarg, 0, 86400);
			opt.sim_length = parse_int("--simulate-timer-stall LENGTH", comma + 1, 1, 86400);
			break;
		}
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (opt.stall < opt.interval)
		say("note: --stall %d is shorter than --interval %d; a stall is seen only at a wake-up",
		    opt.stall, opt.interval);
}

/* ---- main ---- */

static int open_or_note(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		say("note: cannot open %s: %s; its lines will be missing from stall reports", path,
		    err_text(errno));
	return fd;
}

static void describe_stdout(char *out, size_t size)
{
	struct stat st;
	if (fstat(STDOUT_FILENO, &st) < 0)
		snprintf(out, size, "closed");
	else if (S_ISCHR(st.st_mode))
		snprintf(out, size, "character device %u:%u%s", major(st.st_rdev), minor(st.st_rdev),
			 st.st_rdev == makedev(5, 1) ? " (/dev/console)" :
			 major(st.st_rdev) == 4 ? " (a serial port or virtual terminal)" : "");
	else if (S_ISFIFO(st.st_mode))
		snprintf(out, size, "a pipe (a reader in L1 could stall with 9p)");
	else if (S_ISREG(st.st_mode))
		snprintf(out, size, "a regular file (on 9p in L1: it would stall with it)");
	else
		snprintf(out, size, "mode 0%o", (unsigned)st.st_mode);
}

/* What the wake-ups compare; the file descriptors are all opened before the first. */
struct watch {
	int tick_fd, kick_fd, timer_list_fd, interrupts_fd, sysrq_fd;
	pid_t parent;
	double start, last_wake;
	double tick_armed;       /* when the periodic timerfd was last read, which re-arms it */
	bool timer_stalled;
	double timer_stall_seen;
	double probe_asked_at;
	bool probe_stalled;
	int last_probe_errno;
	unsigned long wakes;
};

static bool simulating_timer_stall(const struct watch *w, double now)
{
	double since = now - w->start;
	return opt.sim_start >= 0 && since >= opt.sim_start && since < opt.sim_start + opt.sim_length;
}

static void dump_timer_list(const struct watch *w, const char *title)
{
	struct timer_list_state tls = { .clock = "", .in_first = false };
	dump_lines(w->timer_list_fd, title, timer_list_line, &tls);
}

/*
 * The kick: a timerfd at CLOCK_MONOTONIC 1 ns, TFD_TIMER_ABSTIME. In 6.1, hrtimer_start() of a
 * timer that becomes the first of its base calls hrtimer_reprogram(), which programs the device
 * if the expiry is before cpu_base->expires_next (1 ns is before any), unless hang_detected is
 * set; tick_program_event(expires, force = 1) -> clockevents_program_event() computes a negative
 * delta and, forced, clockevents_program_min_delta() (which counts dev->retries) programs the
 * device's minimum delta: one interrupt, in which hrtimer_interrupt() runs every expired timer
 * and reprograms for the next. Then up to a second is busy-polled (poll with timeout 0 and
 * sched_yield: no timer) for the kick timer and the periodic one.
 */
static void kick(struct watch *w, bool simulated)
{
	uint64_t discard;
	while (read(w->kick_fd, &discard, sizeof discard) > 0) {}
	struct itimerspec past = { .it_value = { 0, 1 } }; /* 1 ns; 0 would disarm */
	double kicked = mono_now();
	if (timerfd_settime(w->kick_fd, TFD_TIMER_ABSTIME, &past, NULL) < 0)
		die("timerfd_settime of the kick", errno);
	double kick_fired = -1, tick_fired = -1;
	while (mono_now() - kicked < KICK_WAIT_SECONDS && (kick_fired < 0 || tick_fired < 0)) {
		struct pollfd fds[2] = { { .fd = w->kick_fd, .events = POLLIN },
					 { .fd = w->tick_fd, .events = POLLIN } };
		if (poll(fds, 2, 0) > 0) {
			if ((fds[0].revents & POLLIN) && kick_fired < 0)
				kick_fired = mono_now() - kicked;
			if ((fds[1].revents & POLLIN) && tick_fired < 0 && !simulated)
				tick_fired = mono_now() - kicked;
		}
		sched_yield();
	}
	while (read(w->kick_fd, &discard, sizeof discard) > 0) {}
	char k[48], t[64];
	if (kick_fired >= 0)
		snprintf(k, sizeof k, "fired after %.3f ms", kick_fired * 1e3);
	else
		snprintf(k, sizeof k, "did not fire within %.0f s", KICK_WAIT_SECONDS);
	if (tick_fired >= 0)
		snprintf(t, sizeof t, "fired after %.3f ms", tick_fired * 1e3);
	else
		snprintf(t, sizeof t, "did not fire within %.0f s%s", KICK_WAIT_SECONDS,
			 simulated ? " (simulated stall: not looked at)" : "");
	say("kick (a timerfd at CLOCK_MONOTONIC 1 ns, TFD_TIMER_ABSTIME): the kick timer %s; the "
	    "periodic timer %s", k, t);
	dump_timer_list(w, "/proc/timer_list after the kick");
}

/* Check 1: has the periodic timerfd fired since the last wake-up? Returns its count. */
static uint64_t check_timer(struct watch *w, double now)
{
	bool simulated = simulating_timer_stall(w, now);
	uint64_t ticks = 0;
	if (!simulated && read(w->tick_fd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
		die("read of the timerfd", errno);
	double late = now - w->tick_armed - TICK_SECONDS;
	if (ticks > 0) {
		if (w->timer_stalled)
			say("timer: the periodic timerfd fired again, %.0f s after it was due", late);
		w->timer_stalled = false;
		w->tick_armed = now;
	} else if (!w->timer_stalled && late > opt.stall) {
		w->timer_stalled = true;
		w->timer_stall_seen = now;
		say("TIMER STALL%s: my %d s timerfd (CLOCK_MONOTONIC, an hrtimer) has not fired for %.0f s, "
		    "but the RTC alarm (HPET, IRQ 8) woke me: a lost local timer interrupt (suspect a)?",
		    simulated ? " (simulated)" : "", TICK_SECONDS, late);
		dump_timer_list(w, "/proc/timer_list");
		dump_lines(w->interrupts_fd, "/proc/interrupts", interrupts_line, NULL);
		show_recent_kmsg();
		kick(w, simulated);
	} else if (w->timer_stalled && opt.debug) {
		say("timer: still stalled, %.0f s since it was seen", now - w->timer_stall_seen);
	}
	return ticks;
}

/* Check 2: has the last 9p probe returned? If so, asks for the next. Returns whether it had. */
static bool check_probe(struct watch *w, double now)
{
	pthread_mutex_lock(&probe_lock);
	bool answered = probe_done == probe_requested;
	int perr = probe_errno;
	if (answered) {
		probe_requested++;
		pthread_cond_signal(&probe_asked);
	}
	pthread_mutex_unlock(&probe_lock);

	if (answered) {
		if (w->probe_stalled)
			say("9p: the probe returned after %.0f s", now - w->probe_asked_at);
		w->probe_stalled = false;
		if (perr && perr != w->last_probe_errno)
			say("9p: the probe of %s failed: %s (it still counts as an answer)", opt.probe_path,
			    err_text(perr));
		w->last_probe_errno = perr;
		w->probe_asked_at = now;
	} else if (!w->probe_stalled && now - w->probe_asked_at > opt.stall) {
		w->probe_stalled = true;
		say("9P STALL: the probe (open+fstat of %s) has not returned for %.0f s, but the RTC alarm "
		    "woke me: a lost virtio-9p completion (suspect b)?", opt.probe_path,
		    now - w->probe_asked_at);
		dump_lines(w->interrupts_fd, "/proc/interrupts", interrupts_line, NULL);
		show_recent_kmsg();
		if (w->sysrq_fd >= 0 && kmsg_fd >= 0) {
			/* Tasks in D state (9p waits are killable, so they show); output at level 6. */
			say("blocked tasks (sysrq w, from /dev/kmsg):");
			drain_kmsg(false);
			if (write(w->sysrq_fd, "w", 1) != 1)
				say("  (write of /proc/sysrq-trigger: %s)", err_text(errno));
			drain_kmsg(true);
		}
	}
	return answered;
}

/* Opens and starts everything; after this, only the probe thread touches 9p. */
static void start(struct watch *w, sigset_t *waiting_mask)
{
	/* Blocked but while waiting for the RTC (wait_rtc_alarm); the probe thread inherits it. */
	struct sigaction stop = { .sa_handler = on_stop };
	sigemptyset(&stop.sa_mask);
	if (sigaction(SIGTERM, &stop, NULL) < 0 || sigaction(SIGINT, &stop, NULL) < 0)
		die("sigaction", errno);
	sigset_t stops;
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigprocmask(SIG_BLOCK, &stops, waiting_mask);
	sigdelset(waiting_mask, SIGTERM);
	sigdelset(waiting_mask, SIGINT);

	w->parent = opt.parent ? opt.parent : getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
		die("prctl(PR_SET_PDEATHSIG)", errno);
	if (getppid() != w->parent) {
		say("--parent %d is not my parent (%d): it has ended already? Not starting", (int)w->parent,
		    (int)getppid());
		exit(0);
	}
	if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		die("mlockall", errno);

	rtc_fd = open(opt.rtc_path, O_RDONLY | O_CLOEXEC);
	if (rtc_fd < 0)
		die(opt.rtc_path, errno); /* EBUSY: another process holds it (rtc-dev is exclusive) */
	struct stat probe_st;
	if (stat(opt.probe_path, &probe_st) < 0)
		die(opt.probe_path, errno);
	w->timer_list_fd = open_or_note("/proc/timer_list", O_RDONLY);
	w->interrupts_fd = open_or_note("/proc/interrupts", O_RDONLY);
	w->sysrq_fd = open_or_note("/proc/sysrq-trigger", O_WRONLY);
	kmsg_fd = open_or_note("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END); /* only what comes after the start */

	w->tick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	w->kick_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (w->tick_fd < 0 || w->kick_fd < 0)
		die("timerfd_create", errno);
	struct itimerspec every = { .it_interval = { TICK_SECONDS, 0 }, .it_value = { TICK_SECONDS, 0 } };
	if (timerfd_settime(w->tick_fd, 0, &every, NULL) < 0)
		die("timerfd_settime", errno);

	pthread_attr_t attr;
	pthread_t probe;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024); /* locked by mlockall: keep it small */
	int e = pthread_create(&probe, &attr, probe_main, NULL);
	if (e)
		die("pthread_create", e);
	pthread_attr_destroy(&attr);

	w->start = w->last_wake = w->tick_armed = w->probe_asked_at = mono_now();
	char out[96];
	describe_stdout(out, sizeof out);
	say("watching (pid %d, parent %d): RTC alarm every %d s from %s; a stall is %d s without the "
	    "%d s timerfd or the 9p probe (open+fstat of %s); output to %s", (int)getpid(),
	    (int)w->parent, opt.interval, opt.rtc_path, opt.stall, TICK_SECONDS, opt.probe_path, out);
	if (opt.sim_start >= 0)
		say("simulating a timer stall: the periodic timerfd is ignored from %d s to %d s",
		    opt.sim_start, opt.sim_start + opt.sim_length);
}

int main(int argc, char **argv)
{
	parse_options(argc, argv);
	struct watch w = { .timer_stalled = false };
	sigset_t waiting_mask;
	start(&w, &waiting_mask);
	for (;;) {
		struct rtc_time armed_at;
		arm_rtc_alarm(opt.interval, &armed_at);
		unsigned long data = wait_rtc_alarm(&waiting_mask);
		double now = mono_now();
		w.wakes++;
		if (getppid() != w.parent) {
			if (opt.debug)
				say("parent %d ended; exiting", (int)w.parent);
			return 0;
		}
		drain_kmsg(false);
		if (now - w.last_wake > 3.0 * opt.interval + 2)
			say("the RTC alarm set for %d s woke me after %.0f s: was all of L1 stopped?",
			    opt.interval, now - w.last_wake);
		uint64_t ticks = check_timer(&w, now);
		bool answered = check_probe(&w, now);
		stall_reported = w.timer_stalled || w.probe_stalled;
		if (!stall_reported)
			stall_relayed = 0;
		if (opt.debug)
			say("wake %lu: alarm set at RTC %02d:%02d:%02d, data 0x%lx; %.1f s since the start, "
			    "%.1f s since the last wake-up; timerfd %llu%s; probe %s", w.wakes,
			    armed_at.tm_hour, armed_at.tm_min, armed_at.tm_sec, data, now - w.start,
			    now - w.last_wake, (unsigned long long)ticks,
			    simulating_timer_stall(&w, now) ? " (simulated stall: not read)" : "",
			    answered ? "answered" : "pending");
		w.last_wake = now;
	}
}
