/* machine.h: the settings of this machine that add noise to benchmarks.
 *
 * A probe reads them from /proc and /sys without root: CPU count, the
 * frequency scaling governor of each CPU, turbo boost, the 1-minute load
 * average, virtual machine and container, ASLR, and whether this process
 * is pinned to some CPUs. Every read is optional: a file that is missing
 * or unreadable leaves its field unknown, never an error. The warnings
 * name each setting known to add noise (as Google Benchmark's "CPU scaling
 * is enabled" and pyperf's `system show` do) and how to change it. */
#ifndef PERFGUARD_MACHINE_H
#define PERFGUARD_MACHINE_H

#include <stddef.h>

#include "perfguard/model.h"
#include "perfguard/util.h"

/* How many distinct scaling governors a probe keeps apart. */
#define PFG_MACHINE_MAX_GOVERNORS 8

/* One scaling governor and the number of CPUs that use it. */
struct pfg_governor_count {
	char name[32];
	int cpus;
};

/* The noise settings of the machine at one moment. */
struct pfg_machine_noise {
	int cpus;                 /* online CPUs; 0: unknown */
	int allowed_cpus;         /* CPUs this process may run on; 0: unknown */
	int pinned;               /* 1: allowed_cpus < cpus, 0: not, -1: unknown */
	char governor[160];       /* the distinct governors, sorted and joined
				     with ", " ("performance"); "": unknown */
	struct pfg_governor_count governors[PFG_MACHINE_MAX_GOVERNORS];
	size_t n_governors;       /* 0 when read back from the store */
	enum pfg_boost boost;
	char boost_via[16];       /* "intel_pstate" or "cpufreq": the file that
				     said so; "" when unknown or read back */
	double load1;             /* 1-minute load average; < 0: unknown */
	char virt[32];            /* "none", a hypervisor ("kvm", "vmware",
				     "xen", ...; "vm" when unnamed), "unknown" */
	char container[32];       /* "none", "docker", "podman", "kubernetes",
				     "lxc", "container" (unnamed), "unknown" */
	int aslr;                 /* /proc/sys/kernel/randomize_va_space:
				     0 off, 1 partial, 2 full; -1: unknown */
};

/* Probe this machine: at the root named by $PERFGUARD_SYSROOT when it is
 * set and not empty (a fake tree, for tests), else at /. Never fails. */
void pfg_machine_noise_probe(struct pfg_machine_noise *m);

/* Probe the tree at root ("/" or NULL: this machine, where the system
 * calls sysconf, getloadavg and sched_getaffinity fill what the files do
 * not; any other root: its files only, so that a test is deterministic). */
void pfg_machine_noise_probe_at(const char *root, struct pfg_machine_noise *m);

/* Append to out one sentence per setting of m known to add noise, each
 * saying what it does and how to change it: a scaling governor other than
 * performance, turbo boost on, a load average above half the CPUs, a
 * virtual machine, ASLR on. Unknown settings add nothing. */
void pfg_machine_noise_warnings(const struct pfg_machine_noise *m, struct pfg_strv *out);

#endif
