#!/bin/sh
# The payload of each kind, from real runs of 300 benchmarks that all
# regress: Slack blocks, Discord embeds and a Teams Adaptive Card within
# their services' limits, the rest summed up as "and N more"; the webhook's
# summary document; a target's components and min_severity; untrusted text
# escaped for each service's markup.
TESTS=$(cd "$(dirname "$0")/.." && pwd)
. "$TESTS/cli/lib.sh"
. "$TESTS/notify_lib.sh"

# A custom metric from builtins only: all.val plus a -2..+2 cycle.
cat > val.sh <<'SH'
n=0; [ -f "$1.n" ] && read -r n <"$1.n"; echo $((n + 1)) >"$1.n"
read -r b <all.val; printf 'v %d\n' $((b + n % 5 - 2)) >"$PERFGUARD_METRICS"
SH
start_receiver r
python3 - "$r_URL" >perfguard.json <<'PY'
import json, sys
url = sys.argv[1]
benches = lambda c: [{"name": "a_benchmark_with_a_rather_long_name_%03d" % i, "type": "custom",
                      "metric": "v", "unit": "ms", "direction": "lower",
                      "command": ["sh", "val.sh", "%s%d" % (c, i)]} for i in range(100)]
print(json.dumps({
    "suite": "Suite <b> & *bold* _it_ @everyone",
    "baseline_runs": 1, "confirm_runs": 0, "auto_baseline": "approve",
    "defaults": {"runs": 3, "warmup": 0},
    "components": [{"name": c, "benchmarks": benches(c)} for c in ("core", "db", "web")],
    "notify": [{"name": k, "kind": k, "url_env": "URL_" + k.upper(), "on": ["regression", "gate_failed"]}
               for k in ("slack", "discord", "teams", "webhook")] +
              [{"name": "db-only", "kind": "webhook", "url_env": "URL_WEBHOOK",
                "components": ["d?"], "min_severity": "critical"},
               {"name": "majors", "kind": "webhook", "url_env": "URL_WEBHOOK",
                "min_severity": "critical", "components": ["web"], "on": ["drift"]}]}))
PY
URL_SLACK=$r_URL/slack URL_DISCORD=$r_URL/discord URL_TEAMS=$r_URL/teams URL_WEBHOOK=$r_URL/hook
export URL_SLACK URL_DISCORD URL_TEAMS URL_WEBHOOK

cat > check.py <<'PY'
import json, re, sys
reqs = [json.loads(l) for l in open("r.log")]
by = {}
for r in reqs:
    by.setdefault(r["path"], []).append(json.loads(r["body"]))
def more(text):
    m = re.search(r"and (\d+) more$", text)
    return int(m.group(1)) if m else 0

def slack(b):
    assert len(b["text"]) <= 3000
    blocks = b["blocks"]
    assert len(blocks) <= 50
    h = blocks[0]
    assert h["type"] == "header" and h["text"]["type"] == "plain_text"
    assert len(h["text"]["text"]) <= 150, len(h["text"]["text"])
    lines = shown = 0
    for s in blocks[1:]:
        if s["type"] != "section":
            continue
        for f in s.get("fields", []):
            assert len(f["text"]) <= 2000
        assert len(s.get("fields", [])) <= 10
        if "text" in s:
            t = s["text"]["text"]
            assert s["text"]["type"] == "mrkdwn" and len(t) <= 3000, len(t)
            shown += sum(1 for l in t.split("\n") if l.startswith("*"))
            lines += more(t)
    assert shown + lines == 300 and lines > 0, (shown, lines)
    assert "Suite &lt;b&gt; &amp; *bold*" in b["text"], b["text"]
    assert "<" not in b["text"] and ">" not in b["text"]
    assert h["text"]["text"].startswith("perfguard Suite <b> & *bold*")

def discord(b):
    assert b["allowed_mentions"] == {"parse": []}
    assert 1 <= len(b["embeds"]) <= 10
    total = 0
    for e in b["embeds"]:
        assert len(e["title"]) <= 256 and len(e.get("description", "")) <= 4096
        assert len(e["fields"]) <= 25
        for f in e["fields"]:
            assert len(f["name"]) <= 256 and len(f["value"]) <= 1024
            total += len(f["name"]) + len(f["value"])
        total += len(e["title"]) + len(e.get("description", "")) + len(e["footer"]["text"])
        assert isinstance(e["color"], int)
    assert total <= 6000, total
    d = b["embeds"][0]["description"]
    shown = sum(1 for l in d.split("\n") if l.startswith("**"))
    assert shown + more(d) == 300 and more(d) > 0, (shown, more(d))
    assert b["embeds"][0]["color"] == 0x8e0000
    assert "Suite \\<b\\> & \\*bold\\* \\_it\\_ @everyone" in b["embeds"][0]["title"], b["embeds"][0]["title"]
    assert "\\_name\\_" in d

def teams(b, raw):
    assert len(raw.encode()) < 28000, len(raw.encode())
    a = b["attachments"][0]
    assert b["type"] == "message" and a["contentType"] == "application/vnd.microsoft.card.adaptive"
    c = a["content"]
    assert c["type"] == "AdaptiveCard" and c["version"] == "1.4"
    assert c["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    blocks = [x for x in c["body"][1:] if x["type"] == "TextBlock"]
    shown = sum(1 for x in blocks if x["text"].startswith("**"))
    assert shown + more(blocks[-1]["text"]) == 300 and more(blocks[-1]["text"]) > 0

def webhook(b):
    assert b["schema_version"] == 1 and b["kind"] == "notification" and b["event"] == "run"
    assert len(b["items"]) + b["more"] == 300 and b["counts"]["regression"] == 300
    assert b["gate"]["verdict"] == "fail" and b["gate"]["failing"] == 300
    assert all(i["severity"] == "critical" and i["alert_state"] == "new" for i in b["items"])
    assert b["suite"] == "Suite <b> & *bold* _it_ @everyone"

last = lambda p: by[p][-1]
slack(last("/slack"))
discord(last("/discord"))
raw = [r["body"] for r in reqs if r["path"] == "/teams"][-1]
teams(last("/teams"), raw)
hooks = by["/hook"]
# The first run proposed 300 baselines: only db-only hears of them (the
# others are on regression only; majors on drift only).
assert len(by["/slack"]) == 1 and len(hooks) == 3, {k: len(v) for k, v in by.items()}
assert hooks[0]["counts"]["baseline_proposed"] == 100
assert all(i["component"] == "db" for i in hooks[0]["items"])
regs = [h for h in hooks[1:]]
full = [h for h in regs if h["counts"]["regression"] == 300]
db = [h for h in regs if h["counts"]["regression"] == 100]
assert len(full) == 1 and len(db) == 1
webhook(full[0])
assert all(i["component"] == "db" for i in db[0]["items"])
print("payloads ok")
PY

expect_success 'a first run of 300 benchmarks tells only the targets that want baselines' '
	echo 100 >all.val && pg run --no-noise-warnings >out.txt 2>err.txt &&
	test "$(requests r)" = 1 &&
	test "$(sqlite3 .perfguard/perfguard.db "SELECT target, status FROM notification")" = "db-only|sent"
'

expect_success '300 regressions: one message per target, each within its limits' '
	echo 200 >all.val && pg run --no-noise-warnings >out.txt 2>err.txt &&
	test "$(grep -c "regression (critical)" out.txt)" = 300 &&
	test "$(requests r)" = 6 &&
	python3 check.py >check.txt && expect_contains check.txt "payloads ok" &&
	test "$(sqlite3 .perfguard/perfguard.db "SELECT count(*) FROM notification WHERE status = \"sent\"")" = 6
'

expect_success 'the sample message of notify test reaches every kind' '
	pg notify test >t.txt &&
	test "$(grep -c ": sent (HTTP 200, 1 attempt)" t.txt)" = 6 &&
	tail -n 6 r.log | python3 -c "
import json, sys
bodies = [json.loads(json.loads(l)[\"body\"]) for l in sys.stdin]
assert bodies[0][\"blocks\"][0][\"text\"][\"text\"].startswith(\"perfguard Suite <b> & *bold* _it_ @everyone: test message\")
assert bodies[3][\"event\"] == \"test\" and bodies[3][\"items\"][0][\"benchmark\"] == \"example/startup\""
'

finish
