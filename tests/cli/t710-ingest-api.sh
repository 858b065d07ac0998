#!/bin/sh
# The C API end to end: `make install DESTDIR=...` puts libperfguard (static,
# shared with its soname), perfguard/api.h, perfguard.pc and perfguard(3) in
# place; examples/api/sort_bench.c is built against them with pkg-config and
# its runs are stored, analysed and gated like any perfguard run.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib.sh"
# This may run from inside make: its goals, variables and jobserver are not ours.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
ROOT=$WORK/root

expect_success 'make install DESTDIR= installs the library, its header, perfguard.pc and perfguard(3)' '
	make -s -C "$top" install DESTDIR="$ROOT" PREFIX=/usr >install.out 2>&1 ||
		{ cat install.out; false; } &&
	for f in lib/libperfguard.a lib/libperfguard.so lib/libperfguard.so.0 \
		lib/pkgconfig/perfguard.pc include/perfguard/api.h share/man/man3/perfguard.3 \
		bin/perfguard; do
		test -e "$ROOT/usr/$f" || { echo "missing $f"; exit 1; }
	done &&
	readelf -d "$ROOT/usr/lib/libperfguard.so" | grep -q "SONAME.*\[libperfguard.so.0\]" &&
	MANPATH="$ROOT/usr/share/man" man -P cat 3 perfguard 2>/dev/null | grep -q "pfg_suite_time"
'

export PKG_CONFIG_PATH="$ROOT/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$ROOT"
export LD_LIBRARY_PATH="$ROOT/usr/lib"

expect_success 'the example builds with pkg-config --cflags --libs perfguard, against the shared library' '
	pkg-config --cflags perfguard | grep -q -- "-I$ROOT/usr/include" &&
	cc -std=c17 -Wall -Wextra -Werror -o sort_bench "$top/examples/api/sort_bench.c" \
		$(pkg-config --cflags --libs perfguard) &&
	readelf -d sort_bench | grep -q "NEEDED.*\[libperfguard.so.0\]"
'

cat > perfguard.json <<'JSON'
{"baseline_runs": 1, "auto_baseline": "approve", "components": [{"name": "local",
 "benchmarks": [{"name": "noop", "type": "latency", "command": ["true"]}]}]}
JSON
q() { sqlite3 db/perfguard.db "$1"; }

expect_success 'a first run stores every call as a sample and proposes baselines' '
	expect_exit 0 ./sort_bench db/perfguard.db perfguard.json &&
	expect_contains .out "run 1: 3 benchmarks, 0 regressions, gate PASS" &&
	test "$(samples db/perfguard.db "SELECT b.name || \" \" || b.kind || \" \" || count(*) FROM benchmark b
		JOIN sample s ON s.benchmark_id = b.id GROUP BY b.id ORDER BY b.name")" = \
		"$(printf "comparisons_1k custom 5\nqsort_20k latency 10\nqsort_20k:cpu cpu 10")" &&
	test "$(samples db/perfguard.db "SELECT count(*) FROM sample WHERE (wall_ns <= 0 OR max_rss_kib <= 0)
		AND benchmark_id IN (SELECT id FROM benchmark WHERE kind != '"'"'custom'"'"')")" = 0 &&
	test "$(q "SELECT status FROM run")" = complete &&
	case $(q "SELECT trigger FROM run") in cli | ci) ;; *) exit 1 ;; esac &&
	test "$(q "SELECT count(*) FROM baseline WHERE state = '"'"'approved'"'"'")" = 3 &&
	test "$(q "SELECT count(*) FROM run_noise")" = 1
'

expect_success 'a custom metric twice as high is a critical regression: an alert, and the gate fails' '
	SORT_BENCH_SCALE=2 expect_exit 1 ./sort_bench db/perfguard.db perfguard.json &&
	expect_contains .out "gate FAIL" &&
	test "$(q "SELECT b.name || \" \" || a.severity FROM alert a JOIN benchmark b ON b.id = a.benchmark_id
		WHERE a.kind = '"'"'regression'"'"' AND b.name = '"'"'comparisons_1k'"'"'")" = "comparisons_1k critical" &&
	expect_exit 1 "$ROOT/usr/bin/perfguard" --db db/perfguard.db gate --run 2 &&
	expect_contains .out "FAIL sorting/comparisons_1k: critical regression"
'

expect_success 'errors are return codes with a message' '
	cat > bad.c <<-C
	#include <perfguard/api.h>
	#include <stdio.h>
	#include <string.h>
	static void f(void *a) { (void)a; }
	int main(void)
	{
		char err[256];
		pfg_suite *s;
		double nan = 0.0 / 0.0;
		if (pfg_suite_open(&s, "db/perfguard.db", NULL, "a/b", err, sizeof err) != PFG_API_EINPUT ||
		    s || !strstr(err, "without"))
			return 10;
		if (pfg_suite_open(&s, "db/perfguard.db", "nosuch.json", "c", err, sizeof err) != PFG_API_EINPUT)
			return 11;
		if (pfg_suite_open(&s, "db/perfguard.db", NULL, "c", err, sizeof err))
			return 12;
		if (pfg_suite_time(s, "t", f, NULL, 0, 0) != PFG_API_EINPUT ||
		    !strstr(pfg_suite_error(s), "1 to"))
			return 13;
		if (pfg_suite_record(s, "m", "", PFG_API_LOWER_IS_BETTER, &nan, 1) != PFG_API_EINPUT ||
		    !strstr(pfg_suite_error(s), "finite"))
			return 14;
		if (pfg_suite_finish(s, NULL) != PFG_API_EINPUT)
			return 15;
		if (pfg_suite_time(s, "t", f, NULL, 0, 3) || pfg_suite_time(s, "t", f, NULL, 0, 3) != PFG_API_EINPUT ||
		    !strstr(pfg_suite_error(s), "again"))
			return 16;
		pfg_suite_close(s);
		puts("ok");
		return 0;
	}
	C
	cc -std=c17 -Wall -Wextra -Werror -o bad bad.c $(pkg-config --cflags --libs perfguard) &&
	before=$(q "SELECT count(*) FROM run") &&
	expect_exit 0 ./bad && expect_contains .out ok &&
	test "$(q "SELECT count(*) FROM run")" = "$before"
'

finish
