/* SPDX-License-Identifier: GPL-2.0 */
/* The one place the project's version is written; the Makefile and dkms.conf follow it. */
#ifndef _INTNET_VERSION_H
#define _INTNET_VERSION_H

#define INTNET_VERSION "0.1.0"

#endif
