// SPDX-License-Identifier: GPL-2.0
/*
 * runas - run a command as another uid, or as root without capabilities.
 *
 *   runas UID CMD [ARGS...]       setgroups(0), setresgid/setresuid to UID
 *   runas -c CAPNUM CMD [ARGS...] stay root but drop CAPNUM from every set
 *                                 (e.g. 21 for CAP_SYS_ADMIN)
 */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <grp.h>

static int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int i;

	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0))
		return -1;
	if (syscall(SYS_capget, &hdr, data))
		return -1;
	i = cap / 32;
	data[i].effective &= ~(1u << (cap % 32));
	data[i].permitted &= ~(1u << (cap % 32));
	data[i].inheritable &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &hdr, data);
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "-c")) {
		if (drop_cap(atoi(argv[2]))) {
			perror("runas: drop capability");
			return 125;
		}
		argv += 3;
	} else if (argc >= 3) {
		uid_t uid = (uid_t)strtoul(argv[1], NULL, 10);

		if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
		    setresuid(uid, uid, uid)) {
			perror("runas: setuid");
			return 125;
		}
		argv += 2;
	} else {
		fprintf(stderr, "usage: runas UID|-c CAP CMD [ARGS...]\n");
		return 125;
	}
	execvp(argv[0], argv);
	perror("runas: exec");
	return 127;
}
