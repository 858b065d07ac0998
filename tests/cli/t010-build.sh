#!/bin/sh
# The build after `make deps`: on a fresh machine the packages arrive only
# when deps runs, so `make demo` and `make check` must build with the flags
# of what deps has just installed, in one attempt; and a build without them
# must stop at once, naming the missing packages. A copy of the tree is built
# with a pkg-config that knows libcjson and gsl only once a fake deps step
# (DEPS_CMD) has made a marker file; examples/demo.sh and tests/run.sh of the
# copy are stubs, so the make targets are the real ones and nothing else runs.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/cli/lib.sh"
# This may run from inside make: its goals, variables and jobserver are not ours.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL
real_pc=$(command -v pkg-config) || { echo "not ok 1 - pkg-config is installed"; exit 1; }

mkdir fakebin
cat >fakebin/pkg-config <<EOF
#!/bin/sh
# pkg-config, as on a machine without libcjson-dev and libgsl-dev until deps ran.
if [ ! -e "$WORK/installed" ]; then
	for a; do
		case "\$a" in libcjson|gsl)
			echo "Package \$a was not found in the pkg-config search path." >&2
			exit 1 ;;
		esac
	done
fi
exec "$real_pc" "\$@"
EOF
chmod +x fakebin/pkg-config
PATH=$WORK/fakebin:$PATH
export PATH

# copy DIR: the files the build reads, with stub demo and test runners.
copy() {
	mkdir "$1" &&
	for f in Makefile src include tests bench examples themes man; do
		cp -R "$top/$f" "$1/"
	done &&
	rm -rf "$1/build" &&
	printf '#!/bin/sh\n"$1" --version >demo-ran\n' >"$1/examples/demo.sh" &&
	printf '#!/bin/sh\n"$1"/tests/test_stats >/dev/null && "$1"/perfguard --version >check-ran\n' \
		>"$1/tests/run.sh"
}
# build TARGET: make TARGET in tree/, quickly, deps being the fake one.
build() {
	make -C tree -j2 CFLAGS=-O0 DEPS_CMD="touch $WORK/installed" "$@" >make.out 2>&1
}

expect_success 'make demo builds after deps in one attempt' '
	copy tree &&
	rm -f "$WORK/installed" &&
	! pkg-config --exists libcjson &&
	{ build demo || { cat make.out; false; }; } &&
	test -e "$WORK/installed" &&
	expect_contains tree/demo-ran "perfguard" &&
	! grep "undefined reference" make.out
'

expect_success 'make check builds and links the tests after deps in one attempt' '
	rm -f "$WORK/installed" tree/build/perfguard &&
	rm -rf tree/build/tests &&
	{ build check || { cat make.out; false; }; } &&
	expect_contains tree/check-ran "perfguard" &&
	test -x tree/build/tests/test_stats
'

expect_success 'a build without the packages stops at once, naming them' '
	rm -rf "$WORK/installed" tree/build &&
	! build DEPS_CMD=true demo &&
	expect_contains make.out "pkg-config cannot find: libcjson gsl" &&
	expect_contains make.out "make deps" &&
	! grep "undefined reference" make.out &&
	test ! -e tree/build/src &&
	! build all &&
	expect_contains make.out "pkg-config cannot find: libcjson gsl"
'

finish
