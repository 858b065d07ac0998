/* machine.c: probe the settings of this machine that add noise to
 * benchmarks, from /proc and /sys (or a fake tree), and word warnings. */
#include "perfguard/machine.h"

#include <ctype.h>
#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Where the probe reads: root is "" for this machine's "/". */
struct probe {
	char root[512];
	int real;                 /* this machine: system calls may fill in */
};

/* The path of rel ("proc/cpuinfo") under the probe's root. */
static void probe_path(const struct probe *p, const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", p->root, rel);
}

/* Read up to len - 1 bytes of rel into buf, without trailing white space.
 * Returns 0, or -1 when the file cannot be read (buf is then ""). */
static int read_text(const struct probe *p, const char *rel, char *buf, size_t len)
{
	char path[1024];
	probe_path(p, rel, path, sizeof path);
	buf[0] = '\0';
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, len - 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return -1;
	buf[n] = '\0';
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

/* Nonzero when rel exists under the probe's root. */
static int exists(const struct probe *p, const char *rel)
{
	char path[1024];
	probe_path(p, rel, path, sizeof path);
	return access(path, F_OK) == 0;
}

/* Find the first line of rel of the form "key<blanks>: value" and copy
 * its value, without surrounding white space, into buf. Returns 0, or -1
 * when the file cannot be read or has no such line. */
static int read_line(const struct probe *p, const char *rel, const char *key, char *buf,
		     size_t len)
{
	char path[1024];
	probe_path(p, rel, path, sizeof path);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char *line = NULL;
	size_t cap = 0, klen = strlen(key);
	int rc = -1;
	while (rc && getline(&line, &cap, f) >= 0) {
		if (strncmp(line, key, klen))
			continue;
		char *v = line + klen;
		v += strspn(v, " \t");
		if (*v != ':')
			continue;
		v += 1 + strspn(v + 1, " \t");
		size_t n = strcspn(v, "\n");
		while (n && isspace((unsigned char)v[n - 1]))
			n--;
		snprintf(buf, len, "%.*s", (int)n, v);
		rc = 0;
	}
	free(line);
	fclose(f);
	return rc;
}

/* Read rel as one integer; returns 0, or -1 when missing or not a number. */
static int read_int(const struct probe *p, const char *rel, long *out)
{
	char buf[64], *end;
	if (read_text(p, rel, buf, sizeof buf) || !buf[0])
		return -1;
	long v = strtol(buf, &end, 10);
	if (end == buf || *end)
		return -1;
	*out = v;
	return 0;
}

/* The number of CPUs in a kernel CPU list ("0-3,6,8-9"), or 0 when it is
 * empty or malformed. */
static int cpu_list_count(const char *s)
{
	int n = 0;
	while (*s) {
		char *end;
		long a = strtol(s, &end, 10), b = a;
		if (end == s || a < 0)
			return 0;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a)
				return 0;
		}
		if (b - a + 1 > 65536 - n)
			return 0;
		n += (int)(b - a + 1);
		s = end;
		if (*s == ',')
			s++;
		else if (*s && !isspace((unsigned char)*s))
			return 0;
		else
			break;
	}
	return n;
}

/* Online CPUs from sys/devices/system/cpu/online, else sysconf. */
static int probe_cpus(const struct probe *p)
{
	char buf[256];
	int n = 0;
	if (read_text(p, "sys/devices/system/cpu/online", buf, sizeof buf) == 0)
		n = cpu_list_count(buf);
	if (!n && p->real) {
		long v = sysconf(_SC_NPROCESSORS_ONLN);
		n = v > 0 && v < 1 << 20 ? (int)v : 0;
	}
	return n;
}

/* CPUs this process may run on: sched_getaffinity, else the
 * Cpus_allowed_list of proc/self/status; 0 when unknown. */
static int probe_allowed(const struct probe *p)
{
	if (p->real) {
		cpu_set_t set;
		CPU_ZERO(&set);
		if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
			return CPU_COUNT(&set);
	}
	char buf[4096];
	if (read_line(p, "proc/self/status", "Cpus_allowed_list", buf, sizeof buf))
		return 0;
	return cpu_list_count(buf);
}

/* Count gov among m's governors. */
static void add_governor(struct pfg_machine_noise *m, const char *gov)
{
	for (size_t i = 0; i < m->n_governors; i++)
		if (!strcmp(m->governors[i].name, gov)) {
			m->governors[i].cpus++;
			return;
		}
	if (m->n_governors == PFG_MACHINE_MAX_GOVERNORS)
		return;
	struct pfg_governor_count *g = &m->governors[m->n_governors++];
	snprintf(g->name, sizeof g->name, "%.*s", (int)sizeof g->name - 1, gov);
	g->cpus = 1;
}

/* Order governors by name. */
static int cmp_governor(const void *a, const void *b)
{
	return strcmp(((const struct pfg_governor_count *)a)->name,
		      ((const struct pfg_governor_count *)b)->name);
}

/* The scaling governor of every cpuN under sys/devices/system/cpu. */
static void probe_governors(const struct probe *p, struct pfg_machine_noise *m)
{
	char dir[1024];
	probe_path(p, "sys/devices/system/cpu", dir, sizeof dir);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *s = e->d_name;
		if (strncmp(s, "cpu", 3) || !s[3] || strspn(s + 3, "0123456789") != strlen(s + 3))
			continue;
		char rel[320], gov[64];
		snprintf(rel, sizeof rel, "sys/devices/system/cpu/%s/cpufreq/scaling_governor", s);
		if (read_text(p, rel, gov, sizeof gov) == 0 && gov[0] && !strchr(gov, '\n'))
			add_governor(m, gov);
	}
	closedir(d);
	qsort(m->governors, m->n_governors, sizeof *m->governors, cmp_governor);
	size_t off = 0;
	for (size_t i = 0; i < m->n_governors && off < sizeof m->governor; i++) {
		int w = snprintf(m->governor + off, sizeof m->governor - off, "%s%s",
				 i ? ", " : "", m->governors[i].name);
		off += w > 0 ? (size_t)w : 0;
	}
}

/* Turbo boost from cpufreq/boost (1: on), else intel_pstate/no_turbo
 * (1: off). */
static void probe_boost(const struct probe *p, struct pfg_machine_noise *m)
{
	long v;
	if (read_int(p, "sys/devices/system/cpu/cpufreq/boost", &v) == 0 && (v == 0 || v == 1)) {
		m->boost = v ? PFG_BOOST_ON : PFG_BOOST_OFF;
		snprintf(m->boost_via, sizeof m->boost_via, "cpufreq");
	} else if (read_int(p, "sys/devices/system/cpu/intel_pstate/no_turbo", &v) == 0 &&
		   (v == 0 || v == 1)) {
		m->boost = v ? PFG_BOOST_OFF : PFG_BOOST_ON;
		snprintf(m->boost_via, sizeof m->boost_via, "intel_pstate");
	}
}

/* The 1-minute load average from proc/loadavg, else getloadavg; -1 when
 * unknown. */
static double probe_load(const struct probe *p)
{
	char buf[256], *end;
	if (read_text(p, "proc/loadavg", buf, sizeof buf) == 0) {
		double v = strtod(buf, &end);
		if (end != buf && v >= 0 && v < 1e9)
			return v;
	}
	double l[1];
	if (p->real && getloadavg(l, 1) == 1 && l[0] >= 0)
		return l[0];
	return -1;
}

/* Hypervisors named by DMI's sys_vendor or product_name, as
 * systemd-detect-virt names them. */
static const struct {
	const char *needle, *name;
} dmi_vms[] = {
	{ "KVM", "kvm" },          { "OpenStack", "kvm" },   { "KubeVirt", "kvm" },
	{ "QEMU", "qemu" },        { "VMware", "vmware" },   { "VMW", "vmware" },
	{ "innotek GmbH", "oracle" }, { "VirtualBox", "oracle" },
	{ "Xen", "xen" },          { "Bochs", "bochs" },     { "Parallels", "parallels" },
	{ "BHYVE", "bhyve" },      { "Hyper-V", "microsoft" },
	{ "Virtual Machine", "microsoft" }, { "Google Compute Engine", "google" },
	{ "Amazon EC2", "amazon" }, { "Apple Virtualization", "apple" },
};

/* The hypervisor that DMI's text s names, or NULL. */
static const char *dmi_vm(const char *s)
{
	for (size_t i = 0; *s && i < sizeof dmi_vms / sizeof *dmi_vms; i++)
		if (strstr(s, dmi_vms[i].needle))
			return dmi_vms[i].name;
	return NULL;
}

/* Nonzero when the space-separated list holds word. */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *s = list; (s = strstr(s, word)); s += n)
		if ((s == list || isspace((unsigned char)s[-1])) &&
		    (!s[n] || isspace((unsigned char)s[n])))
			return 1;
	return 0;
}

/* A virtual machine: the "hypervisor" CPU flag, DMI's vendor or product,
 * or sys/hypervisor/type. */
static void probe_virt(const struct probe *p, struct pfg_machine_noise *m)
{
	char flags[8192];
	int flags_seen = read_line(p, "proc/cpuinfo", "flags", flags, sizeof flags) == 0;
	int flagged = flags_seen && has_word(flags, "hypervisor");
	char vendor[256], product[256], hyp[64];
	int dmi = read_text(p, "sys/class/dmi/id/sys_vendor", vendor, sizeof vendor) == 0;
	dmi |= read_text(p, "sys/class/dmi/id/product_name", product, sizeof product) == 0;
	const char *name = dmi_vm(vendor);
	if (!name)
		name = dmi_vm(product);
	if (!name && read_text(p, "sys/hypervisor/type", hyp, sizeof hyp) == 0 &&
	    !strcmp(hyp, "xen"))
		name = "xen";
	const char *v = name ? name : flagged ? "vm" : flags_seen || dmi ? "none" : "unknown";
	snprintf(m->virt, sizeof m->virt, "%s", v);
}

/* A container: run/systemd/container, .dockerenv, run/.containerenv, or
 * the cgroup of process 1. */
static void probe_container(const struct probe *p, struct pfg_machine_noise *m)
{
	char buf[4096];
	const char *name = NULL;
	int cgroup = 0;
	size_t len;
	if (read_text(p, "run/systemd/container", buf, sizeof buf) == 0 && buf[0] &&
	    (len = strlen(buf)) < sizeof m->container &&
	    strspn(buf, "abcdefghijklmnopqrstuvwxyz0123456789-_") == len) {
		memcpy(m->container, buf, len + 1); /* it fits: checked above */
		return;
	}
	if (exists(p, ".dockerenv"))
		name = "docker";
	else if (exists(p, "run/.containerenv"))
		name = "podman";
	else if ((cgroup = read_text(p, "proc/1/cgroup", buf, sizeof buf) == 0))
		name = strstr(buf, "kubepods") ? "kubernetes" : strstr(buf, "docker") ? "docker"
			: strstr(buf, "libpod") ? "podman" : strstr(buf, "lxc") ? "lxc" : NULL;
	snprintf(m->container, sizeof m->container, "%s",
		 name ? name : cgroup ? "none" : "unknown");
}

void pfg_machine_noise_probe_at(const char *root, struct pfg_machine_noise *m)
{
	struct probe p = { .real = !root || !*root || !strcmp(root, "/") };
	if (!p.real) {
		size_t n = strlen(root);
		while (n > 1 && root[n - 1] == '/')
			n--;
		snprintf(p.root, sizeof p.root, "%.*s", (int)n, root);
	}
	memset(m, 0, sizeof *m);
	m->cpus = probe_cpus(&p);
	m->allowed_cpus = probe_allowed(&p);
	m->pinned = m->cpus && m->allowed_cpus ? m->allowed_cpus < m->cpus : -1;
	probe_governors(&p, m);
	probe_boost(&p, m);
	m->load1 = probe_load(&p);
	probe_virt(&p, m);
	probe_container(&p, m);
	long aslr;
	m->aslr = read_int(&p, "proc/sys/kernel/randomize_va_space", &aslr) == 0 &&
		aslr >= 0 && aslr <= 2 ? (int)aslr : -1;
}

void pfg_machine_noise_probe(struct pfg_machine_noise *m)
{
	pfg_machine_noise_probe_at(getenv("PERFGUARD_SYSROOT"), m);
}

/* Warn about one governor other than performance (cpus 0: count unknown). */
static void warn_governor(struct pfg_strv *out, const char *gov, int cpus, int total)
{
	char on[64] = "";
	if (cpus && total)
		snprintf(on, sizeof on, " on %d of %d CPU%s", cpus, total, total == 1 ? "" : "s");
	else if (cpus)
		snprintf(on, sizeof on, " on %d CPU%s", cpus, cpus == 1 ? "" : "s");
	pfg_strv_pushf(out, "CPU frequency scaling governor is '%s'%s: the clock speed "
		       "follows the load, so results vary from run to run; set "
		       "'performance' (sudo cpupower frequency-set -g performance)", gov, on);
}

void pfg_machine_noise_warnings(const struct pfg_machine_noise *m, struct pfg_strv *out)
{
	if (m->n_governors) {
		for (size_t i = 0; i < m->n_governors; i++)
			if (strcmp(m->governors[i].name, "performance"))
				warn_governor(out, m->governors[i].name, m->governors[i].cpus,
					      m->cpus);
	} else {
		/* Read back from the store: the names without their counts. */
		char govs[sizeof m->governor];
		snprintf(govs, sizeof govs, "%s", m->governor);
		char *save = NULL;
		for (char *g = strtok_r(govs, ", ", &save); g; g = strtok_r(NULL, ", ", &save))
			if (strcmp(g, "performance"))
				warn_governor(out, g, 0, 0);
	}
	if (m->boost == PFG_BOOST_ON) {
		const char *fix = !strcmp(m->boost_via, "intel_pstate")
			? "echo 1 | sudo tee /sys/devices/system/cpu/intel_pstate/no_turbo"
			: !strcmp(m->boost_via, "cpufreq")
			? "echo 0 | sudo tee /sys/devices/system/cpu/cpufreq/boost"
			: "in the firmware settings or under /sys/devices/system/cpu";
		pfg_strv_pushf(out, "turbo boost is on: the clock rises above its base speed "
			       "only while the chip is cool and few cores are busy, so results "
			       "vary; turn it off (%s)", fix);
	}
	if (m->load1 >= 0 && m->cpus > 0 && m->load1 > 0.5 * m->cpus)
		pfg_strv_pushf(out, "load average %.2f on %d CPU%s: other work competes with "
			       "the benchmarks; run them on an idle machine", m->load1, m->cpus,
			       m->cpus == 1 ? "" : "s");
	if (m->virt[0] && strcmp(m->virt, "none") && strcmp(m->virt, "unknown")) {
		char name[48] = "";
		if (strcmp(m->virt, "vm"))
			snprintf(name, sizeof name, " (%s)", m->virt);
		pfg_strv_pushf(out, "running in a virtual machine%s: other guests share the "
			       "host's CPUs and caches, so expect more run-to-run noise; compare "
			       "only with runs on the same kind of machine", name);
	}
	if (m->aslr > 0)
		pfg_strv_pushf(out, "ASLR is on (kernel.randomize_va_space = %d): the memory "
			       "layout changes from run to run and with it cache behaviour, which "
			       "adds noise; turn it off for steadier numbers (sudo sysctl -w "
			       "kernel.randomize_va_space=0), at a cost in security", m->aslr);
}
