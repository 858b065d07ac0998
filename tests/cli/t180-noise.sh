#!/bin/sh
# The machine's noise settings, read from a fake /proc and /sys tree
# (PERFGUARD_SYSROOT): warned about on stderr, in run --json and history
# --json, and stored with the run.
. "$(dirname "$0")/lib.sh"

# A 2-CPU machine with the powersave governor, turbo on, a high load, a
# KVM guest in a docker container, ASLR on, pinned to one CPU.
ROOT=$WORK/root
mkdir -p "$ROOT" && cd "$ROOT" &&
mkdir -p sys/devices/system/cpu/cpu0/cpufreq sys/devices/system/cpu/cpu1/cpufreq \
	sys/devices/system/cpu/cpufreq sys/class/dmi/id proc/sys/kernel proc/self proc/1
echo 0-1 > sys/devices/system/cpu/online
echo powersave > sys/devices/system/cpu/cpu0/cpufreq/scaling_governor
echo powersave > sys/devices/system/cpu/cpu1/cpufreq/scaling_governor
echo 1 > sys/devices/system/cpu/cpufreq/boost
echo "3.40 1.00 0.50 2/100 42" > proc/loadavg
printf 'processor\t: 0\nflags\t\t: fpu hypervisor sse2\n' > proc/cpuinfo
echo KVM > sys/class/dmi/id/product_name
echo "0::/docker/0123abcd" > proc/1/cgroup
echo 2 > proc/sys/kernel/randomize_va_space
printf 'Name:\tperfguard\nCpus_allowed_list:\t1\n' > proc/self/status
cd "$WORK" || exit 1

cat > perfguard.json <<'JSON'
{"defaults": {"runs": 3, "warmup": 0},
 "baseline_runs": 1, "components": [{"name": "c", "benchmarks": [
   {"name": "b", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
    "command": "echo v 5 > \"$PERFGUARD_METRICS\""}]}]}
JSON

expect_success 'run warns about each noisy setting on stderr, before the table' '
	PERFGUARD_SYSROOT=$ROOT pg run >out.txt 2>err.txt &&
	expect_contains err.txt "perfguard run: warning: CPU frequency scaling governor is '"'"'powersave'"'"' on 2 of 2 CPUs: the clock speed follows the load, so results vary from run to run; set '"'"'performance'"'"' (sudo cpupower frequency-set -g performance)" &&
	expect_contains err.txt "perfguard run: warning: turbo boost is on: " &&
	expect_contains err.txt "perfguard run: warning: load average 3.40 on 2 CPUs: other work competes with the benchmarks" &&
	expect_contains err.txt "perfguard run: warning: running in a virtual machine (kvm): " &&
	expect_contains err.txt "perfguard run: warning: ASLR is on (kernel.randomize_va_space = 2)" &&
	test "$(grep -c "warning:" err.txt)" = 5 &&
	! grep -q warning out.txt &&
	head -1 out.txt | grep -q "^benchmark  *n  *mean" &&
	expect_contains out.txt "run 1: complete"
'

expect_success 'the settings and warnings are stored with the run' '
	db=.perfguard/perfguard.db &&
	test "$(sqlite3 "$db" "SELECT cpus, governor, boost, load1, virt, container, aslr, pinned FROM run_noise WHERE run_id = 1")" = "2|powersave|on|3.4|kvm|docker|2|1" &&
	test "$(sqlite3 "$db" "SELECT warnings FROM run_noise WHERE run_id = 1" | grep -c .)" = 5 &&
	test "$(sqlite3 "$db" "PRAGMA user_version")" = 8
'

expect_success 'run --json has a machine object with every field and the warnings' '
	PERFGUARD_SYSROOT=$ROOT pg run --json >run.json 2>err.txt &&
	test "$(grep -c "warning:" err.txt)" = 5 &&
	python3 - <<-PY
	import json
	m = json.load(open("run.json"))["machine"]
	assert m["cpus"] == 2 and m["governor"] == "powersave", m
	assert m["boost"] == "on" and m["load1"] == 3.4, m
	assert m["virt"] == "kvm" and m["container"] == "docker", m
	assert m["aslr"] == 2 and m["pinned"] is True, m
	assert len(m["warnings"]) == 5, m["warnings"]
	assert m["warnings"][0].startswith("CPU frequency scaling governor is \\x27powersave\\x27 on 2 of 2 CPUs"), m
	PY
'

expect_success '--no-noise-warnings keeps stderr quiet; the record stays' '
	PERFGUARD_SYSROOT=$ROOT pg run --no-noise-warnings >out.txt 2>err.txt &&
	! grep -q warning err.txt &&
	test "$(sqlite3 .perfguard/perfguard.db "SELECT count(*) FROM run_noise WHERE governor = '"'"'powersave'"'"'")" = 3
'

expect_success 'a quiet machine gives no warning and null for what is unknown' '
	mkdir -p quiet/sys/devices/system/cpu/cpu0/cpufreq quiet/proc/sys/kernel &&
	echo 0 > quiet/sys/devices/system/cpu/online &&
	echo performance > quiet/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor &&
	echo 0 > quiet/proc/sys/kernel/randomize_va_space &&
	PERFGUARD_SYSROOT=$PWD/quiet pg run --json >run.json 2>err.txt &&
	! grep -q warning err.txt &&
	python3 - <<-PY
	import json
	m = json.load(open("run.json"))["machine"]
	assert m == {"cpus": 1, "governor": "performance", "boost": None, "load1": None,
	             "virt": None, "container": None, "aslr": 0, "pinned": None,
	             "warnings": []}, m
	PY
'

expect_success 'history --json gives each run its machine' '
	pg history --json c/b >hist.json &&
	python3 - <<-PY
	import json
	runs = json.load(open("hist.json"))["runs"]
	assert [r["machine"]["governor"] for r in runs] == ["powersave"] * 3 + ["performance"], runs
	assert len(runs[0]["machine"]["warnings"]) == 5
	assert runs[3]["machine"]["warnings"] == []
	PY
'

finish
