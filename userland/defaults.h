/* SPDX-License-Identifier: GPL-2.0 */
/* Choices of intnet's tools, shared by intnetctl and intnet-qemu-helper (not kernel contract). */
#ifndef INTNET_USERLAND_DEFAULTS_H
#define INTNET_USERLAND_DEFAULTS_H

/* The network a command means when it names none. */
#define INTNET_NAME_DEFAULT "intnet"

#endif
