#!/bin/sh
# The "notify" key: validated like every key (file:line, exit 2), a literal
# URL loads with a warning that does not show it, and `notify list` masks
# every URL to its host.
. "$(dirname "$0")/lib.sh"

cat > val.sh <<'SH'
awk -v b="$(cat "$1.val")" 'BEGIN { printf "v %.6f\n", b }' > "$PERFGUARD_METRICS"
SH
echo 100 > b.val
# Write perfguard.json with the notify array $1.
config() {
	cat > perfguard.json <<JSON
{"baseline_runs": 1, "defaults": {"runs": 3, "warmup": 0},
 "components": [{"name": "app", "benchmarks": [
  {"name": "b", "type": "custom", "metric": "v", "unit": "ms", "direction": "lower",
   "command": ["sh", "val.sh", "b"]}]}],
 "notify": $1
}
JSON
}

expect_success 'every bad field of a target is named with its line, exit 2' '
	config "[{\"name\": \"a\", \"kind\": \"sms\", \"url_env\": \"X\"},
  {\"name\": \"b\", \"kind\": \"slack\", \"url\": \"ftp://h/x\"},
  {\"name\": \"c\", \"kind\": \"slack\", \"url\": \"https://h/x\", \"url_env\": \"Y\"},
  {\"name\": \"d\", \"kind\": \"discord\"},
  {\"name\": \"e\", \"kind\": \"teams\", \"url_env\": \"1BAD\", \"on\": [\"regression\", \"lunch\"]},
  {\"name\": \"f\", \"kind\": \"slack\", \"url_env\": \"F\", \"secret_env\": \"S\", \"timeout\": 0},
  {\"name\": \"f\", \"kind\": \"webhook\", \"url_env\": \"F\", \"min_severity\": \"none\", \"components\": []},
  {\"name\": \"g\", \"kind\": \"webhook\", \"url_env\": \"G\", \"colour\": 1}]" &&
	expect_exit 2 pg run &&
	expect_contains .err "perfguard.json:5: notify[0].kind: expected one of slack, discord, teams, webhook, homeassistant, got \"sms\"" &&
	expect_contains .err "perfguard.json:6: notify[1].url: expected an http:// or https:// URL" &&
	expect_contains .err "perfguard.json:7: notify[2]: give \"url\" or \"url_env\", not both" &&
	expect_contains .err "perfguard.json:8: notify[3]: missing required key \"url_env\"" &&
	expect_contains .err "perfguard.json:9: notify[4].url_env: expected a variable name" &&
	expect_contains .err "perfguard.json:9: notify[4].on[1]: expected one of regression, drift, error_rate, recovered, baseline_proposed, gate_failed, alert_state, got \"lunch\"" &&
	expect_contains .err "perfguard.json:10: notify[5].secret_env: only a webhook target signs its messages" &&
	expect_contains .err "perfguard.json:10: notify[5].timeout: expected a number of seconds between 0.1 and 300" &&
	expect_contains .err "perfguard.json:11: notify[6].name: duplicate target name \"f\"" &&
	expect_contains .err "perfguard.json:11: notify[6].min_severity: expected one of minor, moderate, major, critical" &&
	expect_contains .err "perfguard.json:11: notify[6].components: expected a non-empty array" &&
	expect_contains .err "perfguard.json:12: notify[7].colour: unknown key" &&
	test ! -e .perfguard
'

expect_success 'notify must be an array of objects' '
	config "{\"name\": \"a\"}" && expect_exit 2 pg run &&
	expect_contains .err "perfguard.json:5: notify: expected an array of targets" &&
	config "[3]" && expect_exit 2 pg notify list &&
	expect_contains .err "notify[0]: expected an object"
'

expect_success 'a literal URL loads with a warning that does not show it' '
	config "[{\"name\": \"chat\", \"kind\": \"slack\", \"url\": \"https://hooks.slack.com/services/T0/B0/TOKENSECRET\", \"on\": [\"alert_state\"]}]" &&
	expect_exit 0 pg run --no-noise-warnings &&
	expect_contains .err "perfguard run: warning: perfguard.json:5: notify[0].url: a literal url in the config is a secret in a file; prefer \"url_env\"" &&
	! grep -q TOKENSECRET .out .err
'

expect_success 'notify list masks URLs to their host, for people and scripts' '
	config "[{\"name\": \"chat\", \"kind\": \"slack\", \"url\": \"https://user:pw@hooks.slack.com/services/T0/B0/TOKENSECRET\"},
  {\"name\": \"ops\", \"kind\": \"webhook\", \"url_env\": \"OPS_URL\", \"secret_env\": \"OPS_SECRET\", \"min_severity\": \"major\", \"components\": [\"db*\"], \"on\": [\"regression\", \"gate_failed\"]},
  {\"name\": \"unset\", \"kind\": \"teams\", \"url_env\": \"NOT_SET_ANYWHERE\"}]" &&
	OPS_URL=https://ops.example.com:8443/hook?token=QUERYSECRET OPS_SECRET=HMACSECRET \
		pg notify list >list.txt 2>err.txt &&
	expect_contains list.txt "chat  slack  https://hooks.slack.com/..." &&
	expect_contains list.txt "ops  webhook  https://ops.example.com:8443/..." &&
	expect_contains list.txt "url_env OPS_URL; at least major; on regression,gate_failed; timeout 10 s; components db*; signing secret set" &&
	expect_contains list.txt "unset  teams  (no URL: \$NOT_SET_ANYWHERE is not set)" &&
	OPS_URL=https://ops.example.com:8443/hook?token=QUERYSECRET OPS_SECRET=HMACSECRET \
		pg notify list --json >list.json 2>>err.txt &&
	python3 -c "
import json; t = json.load(open(\"list.json\"))
assert [x[\"url\"] for x in t] == [\"https://hooks.slack.com/...\", \"https://ops.example.com:8443/...\", None], t
assert t[1][\"on\"] == [\"regression\", \"gate_failed\"] and t[1][\"secret\"] == \"set\"
assert t[2][\"problem\"] == \"\$NOT_SET_ANYWHERE is not set\"" &&
	! grep -E -q "TOKENSECRET|QUERYSECRET|HMACSECRET|user:pw|pw@" list.txt list.json err.txt
'

expect_success 'notify test names an unknown target and a config without any' '
	expect_exit 2 pg notify test nosuch &&
	expect_contains .err "perfguard notify: no notify target named '"'"'nosuch'"'"'" &&
	config "[]" && expect_exit 2 pg notify test &&
	expect_contains .err "the config has no notify targets" &&
	pg notify list >l.txt && expect_contains l.txt "no notify targets" &&
	expect_exit 2 pg notify frobnicate && expect_contains .err "expected list, test or log"
'

finish
