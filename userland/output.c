// SPDX-License-Identifier: GPL-2.0
/*
 * intnetctl's output: one writer for text and JSON. A printer is one sequence
 * of print_*() calls; each says whether it writes to the text, the JSON or
 * both (a JSON key, a text format), and the writer keeps the JSON's
 * structure: commas, the arrays of shows, a monitor's event member.
 */

#include <ctype.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "intnetctl.h"

/* Objects and arrays nest no deeper than a show's stats. */
#define DEPTH_MAX 4

static struct {
	bool json;
	/* open containers, and whether each has a member yet */
	unsigned int depth;
	bool has_member[DEPTH_MAX];
	/* a show's array is written from its first object on */
	bool list;
	/* the event the next object is part of (monitor), or NULL */
	const char *event;
} out;

/* Also between the commands of a batch: each one's JSON stands alone. */
void output_init(bool json)
{
	memset(&out, 0, sizeof(out));
	out.json = json;
}

bool output_json(void)
{
	return out.json;
}

static bool to_text(enum print_to to)
{
	return !out.json && (to & PRINT_TEXT);
}

static bool to_json(enum print_to to)
{
	return out.json && (to & PRINT_JSON);
}

/* Names may hold any byte but NUL: anything not printable ASCII is escaped,
 * so that the output is always JSON.
 */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = *s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

/* The start of a value: a comma after another, and its key in an object. */
static void json_member(const char *key)
{
	if (out.depth) {
		if (out.has_member[out.depth - 1])
			putchar(',');
		out.has_member[out.depth - 1] = true;
	}
	if (key) {
		json_str(key);
		putchar(':');
	}
}

static void json_open(const char *key, char ch)
{
	json_member(key);
	putchar(ch);
	if (out.depth < DEPTH_MAX)
		out.has_member[out.depth] = false;
	out.depth++;
}

/* A value at the top level is a line of its own. */
static void json_close(char ch)
{
	putchar(ch);
	if (!--out.depth)
		putchar('\n');
}

/* Text: the event's words start the line. JSON: the next object's first
 * member.
 */
void output_event(const char *event)
{
	if (out.json)
		out.event = event;
	else
		printf("%s ", event);
}

/* The objects of a show: one JSON array, written when its first object is,
 * so that a show that fails before any prints nothing.
 */
void open_list(void)
{
	out.list = out.json;
}

/* A failure after the first object still closes the array: stdout stays
 * JSON. Without an object, @complete says whether the list is "[]".
 */
void close_list(bool complete)
{
	if (!out.list)
		return;
	out.list = false;
	if (out.depth)
		json_close(']');
	else if (complete)
		puts("[]");
}

/* An object: JSON only, nested as @key, or an element when @key is NULL. */
void open_object(const char *key)
{
	if (!out.json)
		return;
	if (out.list && !out.depth)
		json_open(NULL, '[');
	json_open(key, '{');
	if (out.event) {
		print_string(PRINT_JSON, "event", NULL, out.event);
		out.event = NULL;
	}
}

void close_object(void)
{
	if (out.json)
		json_close('}');
}

/* An array in JSON; the text writes its elements as they come. */
void open_array(const char *key)
{
	if (out.json)
		json_open(key, '[');
}

void close_array(void)
{
	if (out.json)
		json_close(']');
}

void print_string(enum print_to to, const char *key, const char *fmt,
		  const char *val)
{
	if (to_json(to)) {
		json_member(key);
		json_str(val);
	} else if (to_text(to) && fmt) {
		printf(fmt, val);
	}
}

void print_uint(enum print_to to, const char *key, const char *fmt,
		unsigned int val)
{
	if (to_json(to)) {
		json_member(key);
		printf("%u", val);
	} else if (to_text(to) && fmt) {
		printf(fmt, val);
	}
}

/* The text's @fmt takes an unsigned long long (%llu). */
void print_u64(enum print_to to, const char *key, const char *fmt, uint64_t val)
{
	if (to_json(to)) {
		json_member(key);
		printf("%llu", (unsigned long long)val);
	} else if (to_text(to) && fmt) {
		printf(fmt, (unsigned long long)val);
	}
}

/* JSON true or false; the text's @fmt takes the words the grammar uses,
 * "on" or "off".
 */
void print_bool(enum print_to to, const char *key, const char *fmt, bool val)
{
	if (to_json(to)) {
		json_member(key);
		fputs(val ? "true" : "false", stdout);
	} else if (to_text(to) && fmt) {
		printf(fmt, val ? "on" : "off");
	}
}

/* JSON null: what the text shows by leaving it out. */
void print_null(const char *key)
{
	if (out.json) {
		json_member(key);
		fputs("null", stdout);
	}
}

/* Text only: what JSON says with its structure or leaves out. */
void print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/* ---- reading replies ---- */

const char *attr_str(const struct nlattr *attr)
{
	return attr ? nla_get_string(attr) : "";
}

uint32_t attr_u32(const struct nlattr *attr)
{
	return attr ? nla_get_u32(attr) : 0;
}

uint16_t attr_u16(const struct nlattr *attr)
{
	return attr ? nla_get_u16(attr) : 0;
}

uint8_t attr_u8(const struct nlattr *attr)
{
	return attr ? nla_get_u8(attr) : 0;
}

bool attr_bool(const struct nlattr *attr)
{
	return attr && nla_get_u8(attr);
}

/* @val's word in @words; a value from a newer module is shown as its number
 * (in @buf), not hidden.
 */
const char *enum_word(const char *const *words, unsigned int val, char *buf,
		      size_t len)
{
	unsigned int i;

	for (i = 0; words[i]; i++)
		if (i == val)
			return words[i];
	snprintf(buf, len, "%u", val);
	return buf;
}

/*
 * A flood limit (@limit, if the reply has it): JSON always; the text, as the
 * grammar takes it, when not 0 (the default, auto or net): off for none,
 * else frames a second.
 */
void print_flood_limit(const struct nlattr *limit)
{
	uint32_t val;
	char buf[16];

	if (!limit)
		return;
	val = attr_u32(limit);
	print_uint(PRINT_JSON, "flood_limit", NULL, val);
	if (!val)
		return;
	if (val == INTNET_FLOOD_LIMIT_OFF)
		snprintf(buf, sizeof(buf), "off");
	else
		snprintf(buf, sizeof(buf), "%u", val);
	print_string(PRINT_TEXT, NULL, "  flood-limit %s", buf);
}

void format_mac(char *buf, size_t len, const uint8_t *m)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

/*
 * User @uid's name, or its number when it has none, or one that would not
 * read back as that user in OWNER/NAME (digits first, or a '/'). A dump shows
 * one owner many times: the last answer is kept.
 */
static const char *user_label(uint32_t uid)
{
	static struct {
		bool valid;
		uint32_t uid;
		char name[256];
	} last;
	const struct passwd *pw;

	if (last.valid && last.uid == uid)
		return last.name;
	pw = getpwuid(uid);
	if (pw && pw->pw_name[0] && !isdigit((unsigned char)pw->pw_name[0]) &&
	    !strchr(pw->pw_name, '/'))
		snprintf(last.name, sizeof(last.name), "%s", pw->pw_name);
	else
		snprintf(last.name, sizeof(last.name), "%u", uid);
	last.uid = uid;
	last.valid = true;
	return last.name;
}

/*
 * The network of @tb as the caller would name it: NAME for their own,
 * OWNER/NAME for another user's. A reply without an owner (from an older
 * module) gives the bare name.
 */
const char *net_label(char *buf, size_t len, struct nlattr **tb)
{
	const char *name = attr_str(tb[INTNET_ATTR_NET_NAME]);
	const struct nlattr *owner = tb[INTNET_ATTR_NET_OWNER];

	if (!owner || attr_u32(owner) == geteuid())
		return name;
	snprintf(buf, len, "%s/%s", user_label(attr_u32(owner)), name);
	return buf;
}

/* ---- statistics ---- */

/*
 * The counters in the order they are shown, grouped (newer counters join
 * their group, wherever the enum put them). The JSON key is the enum name in
 * lower case; a human reads them one line per group.
 */
#define STAT(id, group, label)                       \
	{                                            \
		INTNET_STATS_##id, #id, group, label \
	}

static const struct stat_desc {
	int id;
	const char *key;
	const char *group;
	const char *label;
} stat_descs[] = {
	STAT(RX_PACKETS, "rx", "packets"),
	STAT(RX_BYTES, "rx", "bytes"),
	STAT(RX_FORWARDED, "rx", "forwarded"),
	STAT(RX_FLOODED, "rx", "flooded"),
	STAT(RX_DROP_PORT_DOWN, "rx drop", "port-down"),
	STAT(RX_DROP_INVALID_SRC, "rx drop", "invalid-src"),
	STAT(RX_DROP_LOCAL, "rx drop", "local"),
	STAT(RX_DROP_DEST_DOWN, "rx drop", "dest-down"),
	STAT(RX_DROP_NOMEM, "rx drop", "nomem"),
	STAT(RX_DROP_MAC_LOCKED, "rx drop", "mac-locked"),
	STAT(RX_DROP_LINK_LOCAL, "rx drop", "link-local"),
	STAT(RX_DROP_NO_DEST, "rx drop", "no-dest"),
	STAT(RX_DROP_BAD_HEADER, "rx drop", "bad-header"),
	STAT(RX_DROP_ISOLATED, "rx drop", "isolated"),
	STAT(RX_DROP_FLOOD_LIMIT, "rx drop", "flood-limit"),
	STAT(RX_DROP_IP_SPOOF, "rx drop", "ip-spoof"),
	STAT(RX_DROP_ARP_SPOOF, "rx drop", "arp-spoof"),
	STAT(RX_DROP_ND_SPOOF, "rx drop", "nd-spoof"),
	STAT(RX_DROP_DHCP_SERVER, "rx drop", "dhcp-server"),
	STAT(FDB_FULL, "fdb", "full"),
	STAT(TX_PACKETS, "tx", "packets"),
	STAT(TX_BYTES, "tx", "bytes"),
	STAT(TX_DROP_OVERSIZE, "tx drop", "oversize"),
	STAT(TX_DROP_ERROR, "tx drop", "error"),
	STAT(TX_DROP_NOMEM, "tx drop", "nomem"),
};

/*
 * A counter for a human: exact below 100000, else three digits and a unit,
 * binary for bytes (12.3MiB), decimal for the rest (4.56M). JSON stays exact.
 */
static const char *human(char *buf, size_t len, uint64_t val, const char *label)
{
	static const char *const dec[] = { "", "k", "M", "G", "T", "P", "E" };
	static const char *const bin[] = { "",	 "Ki", "Mi", "Gi",
					   "Ti", "Pi", "Ei" };
	bool bytes = !strcmp(label, "bytes");
	double base = bytes ? 1024 : 1000, v = val;
	unsigned int u = 0;

	if (val < 100000) {
		snprintf(buf, len, "%llu", (unsigned long long)val);
		return buf;
	}
	while (v >= base * 0.9995 && u < 6) {
		v /= base;
		u++;
	}
	snprintf(buf, len, "%.*f%s%s", v < 9.995 ? 2 : (v < 99.95 ? 1 : 0), v,
		 bytes ? bin[u] : dec[u], bytes ? "B" : "");
	return buf;
}

/* @stats is NULL unless asked for and sent: JSON's "stats" member, the
 * text's lines below the object's.
 */
void print_stats(struct nlattr **stats)
{
	const char *prev = NULL; /* the group of the last counter printed */
	char key[32], num[32];
	size_t i, j;

	if (!stats)
		return;
	open_object("stats");
	for (i = 0; i < ARRAY_SIZE(stat_descs); i++) {
		const struct stat_desc *d = &stat_descs[i];
		uint64_t val;

		/* An older module leaves out what it does not count. */
		if (!stats[d->id])
			continue;
		val = nla_get_u64(stats[d->id]);
		for (j = 0; d->key[j] && j < sizeof(key) - 1; j++)
			key[j] = tolower((unsigned char)d->key[j]);
		key[j] = '\0';
		print_u64(PRINT_JSON, key, NULL, val);
		human(num, sizeof(num), val, d->label);
		if (!prev || strcmp(prev, d->group))
			print_text("%s    %s %s %s", prev ? "\n" : "", d->group,
				   d->label, num);
		else
			print_text("  %s %s", d->label, num);
		prev = d->group;
	}
	close_object();
	if (prev)
		print_text("\n");
}
