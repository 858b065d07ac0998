/* test_machine.c: the probe of the machine's noise settings on fake /proc
 * and /sys trees built in a temporary directory: every field, every
 * warning present and absent, and missing or garbled files read as
 * unknown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "perfguard/machine.h"
#include "perfguard/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A fresh fake root per test. */
struct fixture {
	char root[64];
};

static int setup(void **state)
{
	struct fixture *f = pfg_xcalloc(1, sizeof *f);
	snprintf(f->root, sizeof f->root, "/tmp/pfg-machine-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *cmd = pfg_xasprintf("rm -rf '%s'", f->root);
	int rc = system(cmd);
	free(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* Write text to rel under the fake root, creating its directories. */
static void put(const struct fixture *f, const char *rel, const char *text)
{
	char *path = pfg_xasprintf("%s/%s", f->root, rel);
	for (char *s = path + strlen(f->root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
}

/* A quiet bare-metal machine with 4 CPUs at the performance governor. */
static void quiet_machine(const struct fixture *f)
{
	put(f, "sys/devices/system/cpu/online", "0-3\n");
	for (int i = 0; i < 4; i++) {
		char rel[96];
		snprintf(rel, sizeof rel, "sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", i);
		put(f, rel, "performance\n");
	}
	put(f, "sys/devices/system/cpu/cpufreq/boost", "0\n");
	put(f, "proc/loadavg", "0.12 0.30 0.25 1/234 5678\n");
	put(f, "proc/self/status", "Name:\tperfguard\nCpus_allowed:\tf\n"
	    "Cpus_allowed_list:\t0-3\nMems_allowed_list:\t0\n");
	put(f, "proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n"
	    "flags\t\t: fpu vme de pse tsc msr sse sse2 ht\n\nprocessor\t: 1\n");
	put(f, "sys/class/dmi/id/sys_vendor", "Dell Inc.\n");
	put(f, "sys/class/dmi/id/product_name", "PowerEdge R640\n");
	put(f, "proc/1/cgroup", "0::/init.scope\n");
	put(f, "proc/sys/kernel/randomize_va_space", "0\n");
}

/* The warnings of m, joined by newlines (caller frees). */
static char *warnings_of(const struct pfg_machine_noise *m, size_t *n)
{
	struct pfg_strv w = { 0 };
	pfg_machine_noise_warnings(m, &w);
	char *all = pfg_xstrdup("");
	for (size_t i = 0; i < w.n; i++) {
		char *next = pfg_xasprintf("%s%s\n", all, w.v[i]);
		free(all);
		all = next;
	}
	*n = w.n;
	pfg_strv_release(&w);
	return all;
}

/* Every field of a quiet machine, and no warning. */
static void test_quiet_machine(void **state)
{
	struct fixture *f = *state;
	quiet_machine(f);
	struct pfg_machine_noise m;
	pfg_machine_noise_probe_at(f->root, &m);
	assert_int_equal(m.cpus, 4);
	assert_int_equal(m.allowed_cpus, 4);
	assert_int_equal(m.pinned, 0);
	assert_string_equal(m.governor, "performance");
	assert_int_equal(m.n_governors, 1);
	assert_int_equal(m.governors[0].cpus, 4);
	assert_int_equal(m.boost, PFG_BOOST_OFF);
	assert_string_equal(m.boost_via, "cpufreq");
	assert_true(m.load1 > 0.1199 && m.load1 < 0.1201);
	assert_string_equal(m.virt, "none");
	assert_string_equal(m.container, "none");
	assert_int_equal(m.aslr, 0);
	size_t n;
	char *w = warnings_of(&m, &n);
	assert_string_equal(w, "");
	assert_int_equal(n, 0);
	free(w);
}

/* A noisy machine: each setting known to add noise gets its warning. */
static void test_noisy_machine(void **state)
{
	struct fixture *f = *state;
	quiet_machine(f);
	put(f, "sys/devices/system/cpu/online", "0-1,3\n");
	put(f, "sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "powersave\n");
	put(f, "sys/devices/system/cpu/cpu3/cpufreq/scaling_governor", "powersave\n");
	put(f, "sys/devices/system/cpu/cpu2/cpufreq/scaling_governor", "schedutil\n");
	/* No cpufreq/boost: intel_pstate says turbo is on. */
	char *boost = pfg_xasprintf("%s/sys/devices/system/cpu/cpufreq/boost", f->root);
	assert_int_equal(remove(boost), 0);
	free(boost);
	put(f, "sys/devices/system/cpu/intel_pstate/no_turbo", "0\n");
	put(f, "proc/loadavg", "3.40 2.00 1.00 3/300 999\n");
	put(f, "proc/self/status", "Cpus_allowed_list:\t2\n");
	put(f, "proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n");
	put(f, "sys/class/dmi/id/sys_vendor", "QEMU\n");
	put(f, "sys/class/dmi/id/product_name", "Standard PC (Q35 + ICH9, 2009)\n");
	put(f, ".dockerenv", "");
	put(f, "proc/sys/kernel/randomize_va_space", "2\n");
	struct pfg_machine_noise m;
	pfg_machine_noise_probe_at(f->root, &m);
	assert_int_equal(m.cpus, 3);
	assert_int_equal(m.allowed_cpus, 1);
	assert_int_equal(m.pinned, 1);
	assert_string_equal(m.governor, "performance, powersave, schedutil");
	assert_int_equal(m.n_governors, 3);
	assert_int_equal(m.boost, PFG_BOOST_ON);
	assert_string_equal(m.boost_via, "intel_pstate");
	assert_true(m.load1 > 3.3999 && m.load1 < 3.4001);
	assert_string_equal(m.virt, "qemu");
	assert_string_equal(m.container, "docker");
	assert_int_equal(m.aslr, 2);
	size_t n;
	char *w = warnings_of(&m, &n);
	assert_int_equal(n, 6);
	assert_non_null(strstr(w, "CPU frequency scaling governor is 'powersave' on 2 of 3 "
			       "CPUs: the clock speed follows the load, so results vary from "
			       "run to run; set 'performance' (sudo cpupower frequency-set -g "
			       "performance)\n"));
	assert_non_null(strstr(w, "CPU frequency scaling governor is 'schedutil' on 1 of 3 CPUs"));
	assert_null(strstr(w, "is 'performance'"));
	assert_non_null(strstr(w, "turbo boost is on: "));
	assert_non_null(strstr(w, "(echo 1 | sudo tee /sys/devices/system/cpu/intel_pstate/"
			       "no_turbo)"));
	assert_non_null(strstr(w, "load average 3.40 on 3 CPUs: other work competes with "
			       "the benchmarks; run them on an idle machine\n"));
	assert_non_null(strstr(w, "running in a virtual machine (qemu): "));
	assert_non_null(strstr(w, "ASLR is on (kernel.randomize_va_space = 2): "));
	/* Pinning and containers are recorded, not warned about. */
	assert_null(strstr(w, "docker"));
	assert_null(strstr(w, "pinned"));
	free(w);
}

/* One setting at a time: each warning appears alone, at its threshold. */
static void test_each_warning_alone(void **state)
{
	struct fixture *f = *state;
	quiet_machine(f);
	struct pfg_machine_noise m;
	size_t n;
	char *w;

	put(f, "sys/devices/system/cpu/cpufreq/boost", "1\n");
	pfg_machine_noise_probe_at(f->root, &m);
	w = warnings_of(&m, &n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(w, "turbo boost is on: the clock rises above its base speed"));
	assert_non_null(strstr(w, "(echo 0 | sudo tee /sys/devices/system/cpu/cpufreq/boost)"));
	free(w);
	put(f, "sys/devices/system/cpu/cpufreq/boost", "0\n");

	/* Load at half the CPUs is fine; above it is not. */
	put(f, "proc/loadavg", "2.00 1 1 1/1 1\n");
	pfg_machine_noise_probe_at(f->root, &m);
	w = warnings_of(&m, &n);
	assert_int_equal(n, 0);
	free(w);
	put(f, "proc/loadavg", "2.01 1 1 1/1 1\n");
	pfg_machine_noise_probe_at(f->root, &m);
	w = warnings_of(&m, &n);
	assert_int_equal(n, 1);
	assert_string_equal(w, "load average 2.01 on 4 CPUs: other work competes with the "
			    "benchmarks; run them on an idle machine\n");
	free(w);
	put(f, "proc/loadavg", "0.10 1 1 1/1 1\n");

	/* The hypervisor flag alone: a virtual machine without a name. */
	put(f, "proc/cpuinfo", "flags\t\t: fpu hypervisor\n");
	pfg_machine_noise_probe_at(f->root, &m);
	assert_string_equal(m.virt, "vm");
	w = warnings_of(&m, &n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(w, "running in a virtual machine: other guests share"));
	free(w);
	/* "hypervisor" as part of another flag is not the flag. */
	put(f, "proc/cpuinfo", "flags\t\t: fpu not_hypervisor hypervisorx\n");
	pfg_machine_noise_probe_at(f->root, &m);
	assert_string_equal(m.virt, "none");
	/* DMI alone names it (no flags line, as on ARM). */
	put(f, "proc/cpuinfo", "processor\t: 0\nFeatures\t: fp asimd\n");
	put(f, "sys/class/dmi/id/sys_vendor", "VMware, Inc.\n");
	pfg_machine_noise_probe_at(f->root, &m);
	assert_string_equal(m.virt, "vmware");
	put(f, "sys/class/dmi/id/sys_vendor", "Dell Inc.\n");

	put(f, "proc/sys/kernel/randomize_va_space", "1\n");
	pfg_machine_noise_probe_at(f->root, &m);
	assert_int_equal(m.aslr, 1);
	w = warnings_of(&m, &n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(w, "ASLR is on (kernel.randomize_va_space = 1)"));
	free(w);
}

/* An empty root: everything unknown, no warning, no crash. */
static void test_missing_files_are_unknown(void **state)
{
	struct fixture *f = *state;
	struct pfg_machine_noise m;
	pfg_machine_noise_probe_at(f->root, &m);
	assert_int_equal(m.cpus, 0);
	assert_int_equal(m.allowed_cpus, 0);
	assert_int_equal(m.pinned, -1);
	assert_string_equal(m.governor, "");
	assert_int_equal(m.n_governors, 0);
	assert_int_equal(m.boost, PFG_BOOST_UNKNOWN);
	assert_true(m.load1 < 0);
	assert_string_equal(m.virt, "unknown");
	assert_string_equal(m.container, "unknown");
	assert_int_equal(m.aslr, -1);
	size_t n;
	char *w = warnings_of(&m, &n);
	assert_int_equal(n, 0);
	free(w);
	/* A root that does not exist at all reads the same. */
	char *gone = pfg_xasprintf("%s/nowhere/", f->root);
	struct pfg_machine_noise m2;
	pfg_machine_noise_probe_at(gone, &m2);
	free(gone);
	assert_int_equal(m2.cpus, 0);
	assert_string_equal(m2.virt, "unknown");
	/* A high load with an unknown CPU count is not judged. */
	put(f, "proc/loadavg", "9.00 1 1 1/1 1\n");
	pfg_machine_noise_probe_at(f->root, &m);
	assert_true(m.load1 > 8.99);
	w = warnings_of(&m, &n);
	assert_int_equal(n, 0);
	free(w);
}

/* Garbled files read as unknown, never as a wrong value. */
static void test_garbled_files_are_unknown(void **state)
{
	struct fixture *f = *state;
	put(f, "sys/devices/system/cpu/online", "zero-to-three\n");
	put(f, "sys/devices/system/cpu/cpufreq/boost", "maybe\n");
	put(f, "sys/devices/system/cpu/intel_pstate/no_turbo", "7\n");
	put(f, "proc/loadavg", "high\n");
	put(f, "proc/self/status", "Cpus_allowed_list:\t3-1\n");
	put(f, "proc/sys/kernel/randomize_va_space", "2x\n");
	put(f, "run/systemd/container", "bad name; rm -rf\n");
	put(f, "proc/1/cgroup", "0::/system.slice/docker-0123.scope\n");
	struct pfg_machine_noise m;
	pfg_machine_noise_probe_at(f->root, &m);
	assert_int_equal(m.cpus, 0);
	assert_int_equal(m.allowed_cpus, 0);
	assert_int_equal(m.pinned, -1);
	assert_int_equal(m.boost, PFG_BOOST_UNKNOWN);
	assert_true(m.load1 < 0);
	assert_int_equal(m.aslr, -1);
	/* The unusable systemd file is skipped; the cgroup names docker. */
	assert_string_equal(m.container, "docker");
	/* A clean systemd name wins. */
	put(f, "run/systemd/container", "systemd-nspawn\n");
	pfg_machine_noise_probe_at(f->root, &m);
	assert_string_equal(m.container, "systemd-nspawn");
}

/* PERFGUARD_SYSROOT points the plain probe at a fake tree. */
static void test_sysroot_variable(void **state)
{
	struct fixture *f = *state;
	quiet_machine(f);
	put(f, "sys/devices/system/cpu/online", "0-6\n");
	setenv("PERFGUARD_SYSROOT", f->root, 1);
	struct pfg_machine_noise m;
	pfg_machine_noise_probe(&m);
	unsetenv("PERFGUARD_SYSROOT");
	assert_int_equal(m.cpus, 7);
	assert_int_equal(m.pinned, 1); /* 4 allowed of 7 */
}

/* Warnings of settings read back from the store: governor names without
 * their counts, boost without the file that said so. */
static void test_warnings_of_stored_settings(void **state)
{
	(void)state;
	struct pfg_machine_noise m;
	memset(&m, 0, sizeof m);
	snprintf(m.governor, sizeof m.governor, "ondemand, performance");
	m.boost = PFG_BOOST_ON;
	m.load1 = -1;
	m.aslr = -1;
	m.pinned = -1;
	size_t n;
	char *w = warnings_of(&m, &n);
	assert_int_equal(n, 2);
	assert_non_null(strstr(w, "CPU frequency scaling governor is 'ondemand': the clock"));
	assert_non_null(strstr(w, "turn it off (in the firmware settings or under "
			       "/sys/devices/system/cpu)"));
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_quiet_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noisy_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_each_warning_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_files_are_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbled_files_are_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysroot_variable, setup, teardown),
		cmocka_unit_test(test_warnings_of_stored_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
