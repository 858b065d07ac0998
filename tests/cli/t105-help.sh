#!/bin/sh
# Every command listed by `perfguard help` has its help text (from its own
# src/cli/cmd_NAME.c), printed alike by `help CMD` and `CMD --help`.
. "$(dirname "$0")/lib.sh"

expect_success 'help lists every command, each with its usage' '
	pg help >help.txt &&
	sed -n "s/^  \([a-z][a-z]*\)  .*/\1/p" help.txt >names &&
	test "$(tr "\n" " " <names)" = "init run list history measure ingest compare trend baseline alerts gate report serve log notify ha ci prune tui " &&
	while read -r c; do
		pg help "$c" >a && pg "$c" --help >b && cmp a b &&
		head -n 1 a | grep -q "^Usage: perfguard $c " || { echo "bad help of $c"; exit 1; }
	done <names
'

expect_success 'an unknown command, for help or to run, is a usage error' '
	expect_exit 2 pg help nosuch && expect_contains .err "perfguard help: no command '"'"'nosuch'"'"'" &&
	expect_exit 2 pg nosuch && expect_contains .err "perfguard: no command '"'"'nosuch'"'"'"
'

finish
