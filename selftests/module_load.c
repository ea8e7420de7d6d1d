// SPDX-License-Identifier: GPL-2.0
/*
 * intnet loads and unloads cleanly, again and again, and takes its family with
 * it: fifty cycles of delete_module(2) and finit_module(2) of the harness's
 * module (INTNET_KO), as rmmod and insmod make them. After each unload the
 * module and its family are gone; after each load the family answers its
 * version on a new socket; nothing is reported in the kernel log meanwhile.
 * (No program is started: under TCG, starting rmmod, insmod and intnetctl took
 * most of the shell version's time.)
 */

#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/nl.h"
#include "lib/sys.h"

#define CYCLES 50

/* The debug lane's kernel takes about a second a cycle; the harness allows 30 s. */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 600

/* The family's answer to VERSION_GET on a new socket: 0, or a negative errno
 * (-ENOENT when the family is not registered).
 */
static int version_answered(void)
{
	static struct nl_reply r;
	int err;

	err = intnet_request_once(INTNET_CMD_VERSION_GET, NULL, 0, &r);
	if (err)
		return err;
	if (!r.error && (!r.msg || !genl_attr(r.msg, INTNET_ATTR_VERSION)))
		return -EBADMSG;
	return r.error;
}

TEST(load_and_unload_fifty_times)
{
	int unload_fail = 0, gone_fail = 0, load_fail = 0, back_fail = 0;
	const char *ko = getenv("INTNET_KO");
	char report[512] = "";
	struct stat st;
	int i, kmsg, err;

	ASSERT_NE(NULL, ko)
	TH_LOG("INTNET_KO (set by run-tests.sh) names the module to load");
	if (!module_loaded())
		ASSERT_EQ(0, module_load(ko));
	ASSERT_EQ(0, version_answered());
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);

	for (i = 0; i < CYCLES; i++) {
		err = module_unload();
		if (err) {
			unload_fail++;
			TH_LOG("cycle %d: delete_module: %s", i,
			       strerror(-err));
		}
		err = version_answered();
		if (module_loaded() || !stat("/sys/module/intnet", &st) ||
		    err != -ENOENT) {
			gone_fail++;
			TH_LOG("cycle %d: still there after unloading (family: %d)",
			       i, err);
		}
		err = module_load(ko);
		if (err) {
			load_fail++;
			TH_LOG("cycle %d: finit_module: %s", i, strerror(-err));
		}
		err = version_answered();
		if (err) {
			back_fail++;
			TH_LOG("cycle %d: no answer after loading: %d", i, err);
		}
	}

	EXPECT_EQ(0, unload_fail);
	EXPECT_EQ(0, gone_fail);
	EXPECT_EQ(0, load_fail);
	EXPECT_EQ(0, back_fail);
	EXPECT_EQ(0, kmsg_report(kmsg, report, sizeof(report)))
	TH_LOG("the kernel reported: %s", report);
	close(kmsg);
}

TEST_HARNESS_MAIN
