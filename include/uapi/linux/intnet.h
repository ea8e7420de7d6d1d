/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * intnet: the generic netlink contract between the intnet kernel module and its
 * userland (intnetctl). This header is the one place where numbers are defined.
 */
#ifndef _UAPI_LINUX_INTNET_H
#define _UAPI_LINUX_INTNET_H

#define INTNET_GENL_NAME	"intnet"
#define INTNET_GENL_VERSION	1

/**
 * enum intnet_cmd - generic netlink commands of the "intnet" family
 * @INTNET_CMD_UNSPEC: unused, rejected
 * @INTNET_CMD_VERSION_GET: read-only, open to everyone. The reply carries
 *	%INTNET_ATTR_VERSION and %INTNET_ATTR_FEATURES.
 */
enum intnet_cmd {
	INTNET_CMD_UNSPEC,
	INTNET_CMD_VERSION_GET,

	__INTNET_CMD_MAX,
	INTNET_CMD_MAX = __INTNET_CMD_MAX - 1
};

/**
 * enum intnet_attr - top-level attributes
 * @INTNET_ATTR_UNSPEC: unused, rejected
 * @INTNET_ATTR_VERSION: NUL-terminated string, the module's version
 *	("MAJOR.MINOR.PATCH"), the same as /sys/module/intnet/version
 * @INTNET_ATTR_FEATURES: u64, a bitmask of &enum intnet_feature bits the
 *	module implements; userland must ignore bits it does not know
 * @INTNET_ATTR_PAD: padding for 64-bit attributes, never sent alone
 */
enum intnet_attr {
	INTNET_ATTR_UNSPEC,
	INTNET_ATTR_VERSION,
	INTNET_ATTR_FEATURES,
	INTNET_ATTR_PAD,

	__INTNET_ATTR_MAX,
	INTNET_ATTR_MAX = __INTNET_ATTR_MAX - 1
};

/**
 * enum intnet_feature - bits of %INTNET_ATTR_FEATURES
 * @INTNET_FEATURE_NETNS: the family answers in every network namespace, and
 *	each namespace has its own state
 *
 * New capabilities add a bit here when they land, so that a newer intnetctl
 * can tell what an older module supports.
 */
enum intnet_feature {
	INTNET_FEATURE_NETNS = 1 << 0,
};

#endif /* _UAPI_LINUX_INTNET_H */
