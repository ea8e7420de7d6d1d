// SPDX-License-Identifier: GPL-2.0
/* intnet: per-CPU counters of ports, summed on read, and their netlink form. */

#include <linux/percpu.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>

#include "intnet.h"

void intnet_stats_port_sum(const struct intnet_port *port, u64 *sum)
{
	unsigned int start;
	int cpu, i;

	memset(sum, 0, sizeof(u64) * __INTNET_STATS_MAX);
	for_each_possible_cpu(cpu) {
		const struct intnet_pcpu_stats *st = per_cpu_ptr(port->stats, cpu);
		u64 v[__INTNET_STATS_MAX];

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			for (i = 0; i < __INTNET_STATS_MAX; i++)
				v[i] = u64_stats_read(&st->c[i]);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		for (i = 0; i < __INTNET_STATS_MAX; i++)
			sum[i] += v[i];
	}
}

/* The network's totals: its ports now, plus what ports that left had counted. */
void intnet_stats_network_sum(const struct intnet_network *nw, u64 *sum)
{
	u64 one[__INTNET_STATS_MAX];
	struct intnet_port *port;
	int i;

	ASSERT_RTNL();
	memcpy(sum, nw->gone, sizeof(nw->gone));
	list_for_each_entry(port, &nw->ports, node) {
		intnet_stats_port_sum(port, one);
		for (i = 0; i < __INTNET_STATS_MAX; i++)
			sum[i] += one[i];
	}
}

/* What intnet_stats_put() puts: the nest and a u64 per counter. */
size_t intnet_stats_size(void)
{
	return nla_total_size(0) +
	       (__INTNET_STATS_MAX - INTNET_STATS_RX_PACKETS) *
		       nla_total_size_64bit(sizeof(u64));
}

int intnet_stats_put(struct sk_buff *msg, const u64 *sum)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, INTNET_ATTR_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (i = INTNET_STATS_RX_PACKETS; i < __INTNET_STATS_MAX; i++) {
		if (nla_put_u64_64bit(msg, i, sum[i], INTNET_STATS_PAD)) {
			nla_nest_cancel(msg, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(msg, nest);
	return 0;
}
