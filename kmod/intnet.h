/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of the intnet module. */
#ifndef _INTNET_H
#define _INTNET_H

#include <linux/intnet.h>

#include "version.h"

/* What this build of the module implements, answered by INTNET_CMD_VERSION_GET. */
#define INTNET_FEATURES ((u64)INTNET_FEATURE_NETNS)

int intnet_genl_init(void);
void intnet_genl_exit(void);

#endif /* _INTNET_H */
