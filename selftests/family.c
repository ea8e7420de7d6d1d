// SPDX-License-Identifier: GPL-2.0
/* The "intnet" family: found in every namespace, answers its version. */

#include <sched.h>
#include <sys/types.h>

#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/sys.h"

struct version {
	int error;
	char extack[256];
	char text[64];
	uint64_t features;
	int has_features;
};

/* Asks for the version on a new socket, with optional extra attributes. */
static int version_get(struct version *v, const void *extra, size_t extra_len)
{
	static struct nl_reply r;
	struct nlattr *a;
	int err;

	memset(v, 0, sizeof(*v));
	err = intnet_request_once(INTNET_CMD_VERSION_GET, extra, extra_len, &r);
	if (err)
		return err;
	v->error = r.error;
	memcpy(v->extack, r.extack, sizeof(v->extack));
	if (v->error || !r.msg)
		return 0;
	a = genl_attr(r.msg, INTNET_ATTR_VERSION);
	if (a)
		snprintf(v->text, sizeof(v->text), "%s",
			 (char *)nla_payload(a));
	a = genl_attr(r.msg, INTNET_ATTR_FEATURES);
	if (a && a->nla_len == NLA_HDRLEN + 8) {
		memcpy(&v->features, nla_payload(a), 8);
		v->has_features = 1;
	}
	return 0;
}

static void expect_module_version(struct __test_metadata *_metadata)
{
	char sysfs[64];
	struct version v;

	ASSERT_EQ(0, read_line("/sys/module/intnet/version", sysfs,
			       sizeof(sysfs)));
	ASSERT_EQ(0, version_get(&v, NULL, 0));
	ASSERT_EQ(0, v.error);
	EXPECT_STREQ(sysfs, v.text);
	ASSERT_TRUE(v.has_features);
	EXPECT_EQ((uint64_t)INTNET_FEATURE_NETNS,
		  v.features & INTNET_FEATURE_NETNS);
	EXPECT_EQ((uint64_t)INTNET_FEATURE_SWITCH,
		  v.features & INTNET_FEATURE_SWITCH);
	EXPECT_EQ((uint64_t)INTNET_FEATURE_ACCESS,
		  v.features & INTNET_FEATURE_ACCESS);
}

TEST(version_in_initial_netns_matches_module)
{
	expect_module_version(_metadata);
}

TEST(version_in_new_netns_matches_module)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	expect_module_version(_metadata);
}

TEST(version_is_open_to_unprivileged_user)
{
	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	expect_module_version(_metadata);
}

TEST(version_in_rootless_container)
{
	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	ASSERT_EQ(0, unshare(CLONE_NEWUSER | CLONE_NEWNET));
	expect_module_version(_metadata);
}

TEST(request_with_reply_only_attribute_is_refused)
{
	char attr[64];
	struct version v;
	size_t len;

	len = nl_put(attr, 0, INTNET_ATTR_VERSION, "9.9.9", 6);
	ASSERT_EQ(0, version_get(&v, attr, len));
	EXPECT_EQ(-EINVAL, v.error);
	EXPECT_STREQ("", v.text);
}

TEST(unknown_command_is_refused)
{
	static struct nl_reply r;
	char req[64];
	int fd, family;
	size_t len;

	fd = nl_open();
	ASSERT_GE(fd, 0);
	family = genl_family_id(fd, INTNET_GENL_NAME);
	ASSERT_GT(family, 0);
	len = genl_start(req, family, INTNET_CMD_MAX + 1, 0);
	EXPECT_EQ(-EOPNOTSUPP, nl_request(fd, req, len, &r));
	close(fd);
}

TEST_HARNESS_MAIN
