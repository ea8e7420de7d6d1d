// SPDX-License-Identifier: GPL-2.0
/* intnet-nat's event loop: libslirp between the TAP and the user's sockets, until a signal. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "nat.h"

/* Big enough for any frame the TAP gives (no GSO: the helper runs without vnet). */
#define FRAME_MAX 65536
/* Frames read from the TAP in one go, so that slirp's sockets get their turn. */
#define TAP_BURST 64

struct timer {
	struct timer *next;
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms; /* -1: not armed */
};

struct loop {
	Slirp *slirp;
	int tap;
	struct pollfd *pfd;
	int npfd, cap;
	struct timer *timers;
	const struct nat_opts *o;
	uint8_t *out; /* a frame of libslirp's, rewritten on its way out */
	/* The host's loopback is open to the VMs: only while the network is only this user's. */
	bool loopback;
	int64_t checked_ms;
	bool leave; /* the network became someone else's too */
	bool recheck; /* an event came (watch.c): ask before the next packet to the host */
};

/*
 * How old (ms) what the kernel said of the network may be: in the loop; for a new
 * flow to the host, none once an event came or none can be watched (watch.c; asked
 * again before each then, while the loopback is open: a NET_GET on share.c's
 * netlink socket, at most NAT_HOST_ASK_RATE a port).
 */
#define CHECK_EVERY_MS 2000
#define CHECK_HOST_MS 0

void nat_log(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
	struct loop *l = opaque;
	ssize_t n;

	if (len > FRAME_MAX)
		return len;
	memcpy(l->out, buf, len);
	nat_guard_out(l->out, len);
	n = write(l->tap, l->out, len);
	/* A full TAP queue drops the frame, as a NIC would: TCP sends it again. */
	if (n < 0 && errno != EAGAIN && errno != EIO)
		return -1;
	return len;
}

/*
 * What libslirp says (guest_error, glib's g_critical and g_warning): any VM can
 * make it say something with every frame, so at most SLIRP_LOG_RATE lines a
 * second; what is left out is counted in one line once the second is over.
 */
#define SLIRP_LOG_RATE 5

static struct {
	int64_t second;
	int lines;
	unsigned long quiet;
} slog;

static void slirp_log_flush(int64_t second)
{
	if (second == slog.second)
		return;
	if (slog.quiet)
		nat_log("%lu messages of libslirp's suppressed (at most %d a second)",
			slog.quiet, SLIRP_LOG_RATE);
	slog.second = second;
	slog.lines = 0;
	slog.quiet = 0;
}

static void slirp_log(const char *what, const char *msg)
{
	slirp_log_flush(now_ns() / 1000000000);
	if (slog.lines++ >= SLIRP_LOG_RATE) {
		slog.quiet++;
		return;
	}
	nat_log("%s: %s", what, msg);
}

static void guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	slirp_log("a VM sent something libslirp refused", msg);
}

/* glib's GLogField, GLogWriterFunc: libslirp links glib, intnet-nat needs none of its headers. */
struct glog_field {
	const char *key;
	const void *value;
	ssize_t length;
};

#define GLOG_FLAG_FATAL (1 << 1)
#define GLOG_LEVEL_ERROR (1 << 2)
#define GLOG_LEVEL_INFO (1 << 6)
#define GLOG_LEVEL_DEBUG (1 << 7)

static int glog_writer(int level, const struct glog_field *f, size_t n,
		       void *data)
{
	(void)data;
	if (level & (GLOG_LEVEL_INFO | GLOG_LEVEL_DEBUG))
		return 1; /* G_LOG_WRITER_HANDLED: glib's default hides them too */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(f[i].key, "MESSAGE") || f[i].length >= 0)
			continue;
		/* What glib ends the program after is never left out. */
		if (level & (GLOG_FLAG_FATAL | GLOG_LEVEL_ERROR))
			nat_log("libslirp: %s", (const char *)f[i].value);
		else
			slirp_log("libslirp", f[i].value);
	}
	return 1;
}

/* glib's messages through slirp_log(): one writer for the program, set before any. */
static void catch_glog(void)
{
	void (*set)(int (*)(int, const struct glog_field *, size_t, void *),
		    void *, void (*)(void *));

	*(void **)&set = dlsym(RTLD_DEFAULT, "g_log_set_writer_func");
	if (set)
		set(glog_writer, NULL, NULL);
	else
		nat_log("glib's g_log_set_writer_func not found: libslirp's glib messages go to stderr unthrottled");
}

static int64_t clock_get_ns(void *opaque)
{
	(void)opaque;
	return now_ns();
}

static void *timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct loop *l = opaque;
	struct timer *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->id = id;
	t->cb_opaque = cb_opaque;
	t->expire_ms = -1;
	t->next = l->timers;
	l->timers = t;
	return t;
}

static void timer_free(void *timer, void *opaque)
{
	struct loop *l = opaque;
	struct timer **p;

	for (p = &l->timers; *p; p = &(*p)->next) {
		if (*p == timer) {
			*p = (*p)->next;
			free(timer);
			return;
		}
	}
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	(void)opaque;
	((struct timer *)timer)->expire_ms = expire_ms;
}

static void open_fd(int fd, void *opaque)
{
	(void)opaque;
	nat_guard_fd(fd, true);
}

static void close_fd(int fd, void *opaque)
{
	(void)opaque;
	nat_guard_fd(fd, false);
}

static void notify(void *opaque)
{
	(void)opaque;
}

static const SlirpCb callbacks = {
	.send_packet = send_packet,
	.guest_error = guest_error,
	.clock_get_ns = clock_get_ns,
	.timer_free = timer_free,
	.timer_mod = timer_mod,
	.register_poll_fd = open_fd,
	.unregister_poll_fd = close_fd,
	.notify = notify,
	.timer_new_opaque = timer_new_opaque,
};

static int add_poll(int fd, int events, void *opaque)
{
	struct loop *l = opaque;
	struct pollfd *p;
	short ev = 0;

	if (l->npfd == l->cap) {
		p = realloc(l->pfd, (l->cap * 2) * sizeof(*p));
		if (!p)
			return -1; /* libslirp then finds nothing for it this round */
		l->pfd = p;
		l->cap *= 2;
	}
	ev |= events & SLIRP_POLL_IN ? POLLIN : 0;
	ev |= events & SLIRP_POLL_OUT ? POLLOUT : 0;
	ev |= events & SLIRP_POLL_PRI ? POLLPRI : 0;
	l->pfd[l->npfd] = (struct pollfd){ .fd = fd, .events = ev };
	return l->npfd++;
}

static int get_revents(int idx, void *opaque)
{
	struct loop *l = opaque;
	short re;
	int ev = 0;

	if (idx < 0 || idx >= l->npfd)
		return 0;
	re = l->pfd[idx].revents;
	ev |= re & POLLIN ? SLIRP_POLL_IN : 0;
	ev |= re & POLLOUT ? SLIRP_POLL_OUT : 0;
	ev |= re & POLLPRI ? SLIRP_POLL_PRI : 0;
	ev |= re & POLLERR ? SLIRP_POLL_ERR : 0;
	ev |= re & POLLHUP ? SLIRP_POLL_HUP : 0;
	return ev;
}

/* Fires what is due; returns the ms until the next timer (or @timeout). */
static uint32_t run_timers(struct loop *l, uint32_t timeout)
{
	int64_t now = now_ns() / 1000000;
	struct timer *t;
	bool fired;

	do {
		fired = false;
		for (t = l->timers; t; t = t->next) {
			if (t->expire_ms >= 0 && t->expire_ms <= now) {
				t->expire_ms = -1;
				slirp_handle_timer(l->slirp, t->id,
						   t->cb_opaque);
				fired = true;
				break; /* the handler may have changed the list */
			}
		}
	} while (fired);
	for (t = l->timers; t; t = t->next)
		if (t->expire_ms >= 0 &&
		    (uint64_t)(t->expire_ms - now) < timeout)
			timeout = t->expire_ms - now;
	return timeout;
}

/*
 * Whether @f (@n bytes) is an IPv4 fragment. libslirp 4.7 crashes on a
 * fragment that comes without the first (a red team's finding: one frame
 * from any port of the network), so it gets none: a VM loses only
 * datagrams larger than its MTU.
 */
static bool ipv4_fragment(const uint8_t *f, ssize_t n)
{
	if (n < 14 + 20 || f[12] != 0x08 || f[13] != 0x00)
		return false;
	/* The MF flag and the offset: bytes 6 and 7 of the IPv4 header. */
	return (f[14 + 6] & 0x3f) || f[14 + 7];
}

/*
 * Whether the network is still only this user's, asked again when what
 * the kernel said is older than @max_ms; if not, the gateway leaves: libslirp
 * cannot close the host's loopback once it is open.
 */
static bool still_own(struct loop *l, int64_t max_ms)
{
	int64_t now = now_ns() / 1000000;
	unsigned long owner = 0;
	char why[256];

	if (!l->loopback || now - l->checked_ms < max_ms)
		return true;
	l->checked_ms = now;
	if (nat_net_access(l->o, &owner, why, sizeof(why)) == NAT_NET_OWN)
		return true;
	nat_log("%s: leaving %s, whose VMs reach this host's loopback through %s as you (started again, intnet-nat closes it)",
		why, l->o->net, nat_ip(l->o->vhost));
	l->leave = true;
	return false;
}

/* Frames from the VMs into libslirp; false if the TAP is gone. */
static bool read_tap(struct loop *l, uint8_t *buf)
{
	ssize_t n;
	bool host;
	int i;

	for (i = 0; i < TAP_BURST; i++) {
		n = read(l->tap, buf, FRAME_MAX);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		if (n == 0)
			return false;
		if (ipv4_fragment(buf, n) ||
		    nat_guard_in(buf, n, &host) == NAT_DROP)
			continue;
		if (host && l->loopback && !nat_watch_quiet())
			l->recheck = true;
		if (host && l->recheck) {
			if (!nat_guard_host_ask()) {
				nat_guard_in_done();
				continue;
			}
			if (!still_own(l, CHECK_HOST_MS)) {
				nat_guard_in_done();
				return true;
			}
			l->recheck = false;
		}
		slirp_input(l->slirp, buf, n);
		nat_guard_in_done();
	}
	return true;
}

static void fill_config(const struct nat_opts *o, SlirpConfig *c)
{
	memset(c, 0, sizeof(*c));
	c->version = 4;
	c->restricted = o->restrict_;
	c->in_enabled = o->ipv4;
	c->vnetwork = o->vnetwork;
	c->vnetmask = o->vnetmask;
	c->vhost = o->vhost;
	c->in6_enabled = o->ipv6;
	c->vprefix_addr6 = o->vprefix6;
	c->vprefix_len = o->prefix6_len;
	c->vhost6 = o->vhost6;
	c->vhostname = o->hostname;
	c->vdhcp_start = o->vdhcp_start;
	c->vnameserver = o->vnameserver;
	c->vnameserver6 = o->vnameserver6;
	c->vdomainname = o->domainname;
}

static int add_forwards(struct loop *l)
{
	const struct nat_fwd *f;
	int i;

	for (i = 0; i < l->o->nfwd; i++) {
		f = &l->o->fwd[i];
		if (slirp_add_hostfwd(l->slirp, f->udp, f->host_addr,
				      f->host_port, f->guest_addr,
				      f->guest_port) < 0) {
			fprintf(stderr,
				PROG
				": hostfwd=%s: cannot listen on %s:%d: %s\n",
				f->text, nat_ip(f->host_addr), f->host_port,
				strerror(errno));
			return -1;
		}
		nat_log("forward %s %s:%d to %s:%d", f->udp ? "udp" : "tcp",
			nat_ip(f->host_addr), f->host_port,
			nat_ip(f->guest_addr), f->guest_port);
	}
	return 0;
}

int nat_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int loop(struct loop *l, int sfd)
{
	struct signalfd_siginfo si;
	uint8_t *buf = malloc(FRAME_MAX);
	uint32_t timeout;
	int n;

	if (!buf)
		return 1;
	for (;;) {
		l->npfd = 0;
		add_poll(l->tap, SLIRP_POLL_IN, l);
		add_poll(sfd, SLIRP_POLL_IN, l);
		/* The events (watch.c), read before the TAP's frames: none overruns while frames are few. */
		if (nat_watch_fd() >= 0)
			add_poll(nat_watch_fd(), SLIRP_POLL_IN, l);
		timeout = UINT32_MAX;
		slirp_pollfds_fill(l->slirp, &timeout, add_poll, l);
		timeout = run_timers(l, timeout);
		if (l->loopback && timeout > CHECK_EVERY_MS)
			timeout = CHECK_EVERY_MS;
		if (slog.quiet && timeout > 1000)
			timeout = 1000;
		n = poll(l->pfd, l->npfd,
			 timeout == UINT32_MAX ? -1 : (int)timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (l->pfd[1].revents & POLLIN) &&
		    read(sfd, &si, sizeof(si)) == sizeof(si)) {
			nat_log("%s: leaving %s", strsignal(si.ssi_signo),
				l->o->net);
			free(buf);
			return 0;
		}
		if (n > 0 && (l->pfd[0].revents & (POLLERR | POLLHUP)))
			break;
		nat_watch_drain();
		if (n > 0 && (l->pfd[0].revents & POLLIN) && !read_tap(l, buf))
			break;
		if (l->leave || !still_own(l, CHECK_EVERY_MS))
			break;
		slirp_pollfds_poll(l->slirp, n < 0, get_revents, l);
		run_timers(l, 0);
		slirp_log_flush(now_ns() / 1000000000);
		/* Out of fds, a forward's listener stays ready and cannot be accepted. */
		if (nat_guard_starved())
			usleep(20000);
	}
	if (l->leave) {
		free(buf);
		return 1;
	}
	nat_log("the TAP failed (%s): leaving %s", strerror(errno), l->o->net);
	free(buf);
	return 1;
}

int nat_run(const struct nat_opts *o, int tap, const char *ifname, int sfd)
{
	struct loop l = { .tap = tap, .o = o, .cap = 16 };
	unsigned long owner = 0;
	SlirpConfig cfg;
	struct timer *t;
	char why[256];
	int ret = 1;

	l.pfd = calloc(l.cap, sizeof(*l.pfd));
	l.out = malloc(FRAME_MAX);
	if (!l.pfd || !l.out)
		goto out;
	nat_guard_init(o);
	if (o->root)
		snprintf(why, sizeof(why),
			 "root's gateway runs as %s: no loopback of root's",
			 o->run_user ? o->run_user : "nobody");
	else /* watched first (main.c): nothing that changes after the answer goes unseen */
		l.loopback = nat_net_access(o, &owner, why, sizeof(why)) ==
			     NAT_NET_OWN;
	l.checked_ms = now_ns() / 1000000;
	catch_glog();
	fill_config(o, &cfg);
	cfg.disable_host_loopback = !l.loopback;
	l.slirp = slirp_new(&cfg, &callbacks, &l);
	if (!l.slirp) {
		fprintf(stderr, PROG ": libslirp refused the configuration\n");
		goto out;
	}
	if (add_forwards(&l) < 0)
		goto cleanup;
	nat_log("this host's loopback through %s: %s (%s)", nat_ip(o->vhost),
		l.loopback ? "open to the VMs" : "closed", why);
	if (!o->root) /* root's: locked before the drop (main.c) */
		nat_lock_gateway(o, ifname, owner);
	nat_log("gateway for %s on %s: %s (MAC 52:55:%02x:%02x:%02x:%02x), DNS %s, leases %s-%s%s (libslirp %s)",
		o->net, ifname, nat_ip(o->vhost), ((uint8_t *)&o->vhost)[0],
		((uint8_t *)&o->vhost)[1], ((uint8_t *)&o->vhost)[2],
		((uint8_t *)&o->vhost)[3], nat_ip(o->vnameserver),
		nat_ip(o->vdhcp_start),
		nat_ip((struct in_addr){
			htonl(ntohl(o->vdhcp_start.s_addr) + NAT_LEASES - 1) }),
		o->restrict_ ? ", restricted" : "", slirp_version_string());
	ret = loop(&l, sfd);
cleanup:
	slirp_cleanup(l.slirp);
out:
	while ((t = l.timers)) {
		l.timers = t->next;
		free(t);
	}
	free(l.pfd);
	free(l.out);
	nat_guard_free();
	return ret;
}
