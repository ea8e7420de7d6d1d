// SPDX-License-Identifier: GPL-2.0
/* intnet: the generic netlink family "intnet", its policy and its operations. */

#include <net/genetlink.h>

#include "intnet.h"

static const struct nla_policy intnet_policy[INTNET_ATTR_MAX + 1] = {
	[INTNET_ATTR_VERSION] = { .type = NLA_REJECT },
	[INTNET_ATTR_FEATURES] = { .type = NLA_REJECT },
	[INTNET_ATTR_PAD] = { .type = NLA_REJECT },
};

static struct genl_family intnet_family;

static int intnet_nl_version_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &intnet_family, 0,
				INTNET_CMD_VERSION_GET);
	if (!hdr)
		goto too_big;
	if (nla_put_string(msg, INTNET_ATTR_VERSION, INTNET_VERSION) ||
	    nla_put_u64_64bit(msg, INTNET_ATTR_FEATURES, INTNET_FEATURES,
			      INTNET_ATTR_PAD))
		goto too_big;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_small_ops intnet_ops[] = {
	{
		.cmd = INTNET_CMD_VERSION_GET,
		.doit = intnet_nl_version_get,
	},
};

static struct genl_family intnet_family __ro_after_init = {
	.name = INTNET_GENL_NAME,
	.version = INTNET_GENL_VERSION,
	.maxattr = INTNET_ATTR_MAX,
	.policy = intnet_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = intnet_ops,
	.n_small_ops = ARRAY_SIZE(intnet_ops),
	.resv_start_op = INTNET_CMD_VERSION_GET + 1,
};

int __init intnet_genl_init(void)
{
	return genl_register_family(&intnet_family);
}

void intnet_genl_exit(void)
{
	genl_unregister_family(&intnet_family);
}
