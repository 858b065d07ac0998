#!/bin/sh
# perfguard ci init: each generated pipeline parses as YAML (python3-yaml),
# passes yamllint, holds every key the platform needs, and is run: its
# shell, every perfguard invocation in it, through pipelines that pass,
# fail on a regression (writing the reports all the same) and hand the
# database to the next one. What the platforms do themselves (caches,
# artifacts, conditions of steps, Jenkins steps) is emulated by ci_emu.py
# below, which checks the file asks for it the way the platform reads it.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
if ! python3 -c 'import yaml' 2>/dev/null || ! command -v yamllint >/dev/null; then
	sh "$top/tests/deps.sh" python3-yaml yamllint >/dev/null
fi

# Every perfguard invocation goes through this wrapper, which logs its
# exit status and arguments.
mkdir -p bin store
cat > bin/perfguard <<'SH'
#!/bin/sh
"$PERFGUARD" "$@"
rc=$?
printf '%s\t%s\n' "$rc" "$*" >> "$PG_LOG"
exit $rc
SH
chmod +x bin/perfguard
PATH="$WORK/bin:$PATH"
PG_LOG="$WORK/invocations.log"
CI_STORE="$WORK/store"
export PATH PG_LOG CI_STORE

cat > ci_emu.py <<'PY'
"""Run a generated pipeline here as its platform would: python3 ci_emu.py
PLATFORM FILE REF MAIN RUN_ID. Exits with the pipeline's status; writes the
number of perfguard invocation lines in the file and of those run to
emu.counts. Caches and artifacts live in $CI_STORE."""
import os, re, shutil, subprocess, sys
import xml.etree.ElementTree as ET
import yaml

plat, path, ref, main, run_id = sys.argv[1:6]
store = os.environ["CI_STORE"]
counts = {"in_file": 0, "ran": 0}
INVOKE = re.compile(r"^\s*perfguard\s", re.M)


def run_shell(script, env, shell):
    counts["ran"] += len(INVOKE.findall(script))
    return subprocess.run(shell + [script], env=env).returncode


def copy(src, dst):
    if os.path.dirname(dst):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copyfile(src, dst)


def say(*a):
    print("emu:", *a, flush=True)


def github():
    doc = yaml.safe_load(open(path))
    assert doc["on"]["push"]["branches"] == [main], doc["on"]
    assert "pull_request" in doc["on"], doc["on"]
    conc = doc["concurrency"]
    assert "${{ github.ref }}" in conc["group"] and conc["cancel-in-progress"] is False
    job = doc["jobs"]["perfguard"]
    env = dict(os.environ)
    env.update({"GITHUB_STEP_SUMMARY": os.path.abspath("summary.md"),
                "GITHUB_PATH": os.path.abspath("github_path"),
                "GITHUB_OUTPUT": os.path.abspath("github_output"),
                "RUNNER_TEMP": os.path.abspath("runner_temp"),
                "GITHUB_REPOSITORY": "o/r", "GITHUB_REF": "refs/heads/" + ref})
    os.makedirs(env["RUNNER_TEMP"], exist_ok=True)
    sub = {"${{ github.run_id }}": run_id, "${{ github.run_attempt }}": "1",
           "${{ vars.PERFGUARD_GIT }}": ""}
    for k, v in job["env"].items():
        v = str(v)
        for a, b in sub.items():
            v = v.replace(a, b)
        assert "${{" not in v, (k, v)
        env[k] = v
    assert env["CI"] == "true"
    outputs = {}

    def expr(s):
        s = re.sub(r"\$\{\{ env\.(\w+) \}\}", lambda m: env[m.group(1)], str(s))
        if "${{ steps.cache.outputs.cache-primary-key }}" in s:
            s = s.replace("${{ steps.cache.outputs.cache-primary-key }}", outputs["primary"])
        assert "${{" not in s, s
        return s

    order = os.path.join(store, "gh-cache-order")
    failed, seen = False, []
    for step in job["steps"]:
        for s in [step.get("run", "")]:
            counts["in_file"] += len(INVOKE.findall(s))
        cond = str(step.get("if", "")).strip()
        if cond.startswith("${{"):
            cond = cond[3:-2].strip()
        known = {"": not failed, "!cancelled()": True,
                 "!cancelled() && github.ref == 'refs/heads/%s'" % main: ref == main,
                 "steps.cache.outputs.cache-matched-key == ''":
                     outputs.get("matched", "") == "" and not failed}
        assert cond in known, "unknown condition: " + cond
        name = step.get("name", step.get("uses"))
        if not known[cond]:
            say("skip", name)
            continue
        seen.append(name)
        if "run" in step:
            rc = run_shell(step["run"], env, ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"])
            say("step", name, "->", rc)
            failed = failed or rc != 0
            continue
        uses, w = step["uses"], {k: expr(v) for k, v in step.get("with", {}).items()}
        if uses == "actions/checkout@v4":
            continue
        if uses == "actions/cache/restore@v4":
            outputs["primary"] = w["key"]
            keys = open(order).read().split() if os.path.exists(order) else []
            prefixes = w["restore-keys"].split()
            assert prefixes and all(w["key"].startswith(p) for p in prefixes), w
            hit = w["key"] if w["key"] in keys else next(
                (k for k in reversed(keys) if any(k.startswith(p) for p in prefixes)), "")
            outputs["matched"] = hit
            if hit:
                copy(os.path.join(store, "gh-cache", hit), w["path"])
            say("cache restore", w["key"], "matched", hit or "nothing")
        elif uses == "actions/cache/save@v4":
            assert w["key"] == outputs["primary"] and run_id in w["key"], w
            keys = open(order).read().split() if os.path.exists(order) else []
            assert w["key"] not in keys, "a cache key is saved once"
            copy(w["path"], os.path.join(store, "gh-cache", w["key"]))
            open(order, "a").write(w["key"] + "\n")
            say("cache save", w["key"])
        elif uses == "actions/upload-artifact@v4":
            assert int(w["retention-days"]) > 0 and os.path.exists(w["path"]), w
            dst = os.path.join(store, "gh-artifacts", run_id, w["name"])
            if os.path.isdir(w["path"]):
                shutil.copytree(w["path"], dst)
            else:
                copy(w["path"], os.path.join(dst, os.path.basename(w["path"])))
            say("artifact", w["name"])
        else:
            raise AssertionError("unknown action " + uses)
    open("emu.steps", "w").write("\n".join(seen) + "\n")
    return 1 if failed else 0


def ref_slug(r):
    return re.sub(r"[^a-z0-9]+", "-", r.lower()).strip("-")[:63]


def gitlab():
    doc = yaml.safe_load(open(path))
    job = doc["perfguard"]
    assert job["stage"] == "test" and job["tags"], job
    art = job["artifacts"]
    assert art["when"] == "always" and art["expire_in"], art
    junit = art["reports"]["junit"]
    cache = job["cache"]
    assert cache["when"] == "always" and "$CI_COMMIT_REF_SLUG" in cache["key"], cache
    env = dict(os.environ)
    env.update({k: str(v) for k, v in job["variables"].items()})
    env.update({"CI": "true", "CI_COMMIT_REF_SLUG": ref_slug(ref), "CI_PROJECT_ID": "7",
                "CI_JOB_TOKEN": "tok", "CI_DEFAULT_BRANCH": main,
                "CI_API_V4_URL": os.environ.get("EMU_API", "http://127.0.0.1:9/api/v4")})
    expand = lambda s: re.sub(r"\$(\w+)", lambda m: env[m.group(1)], s)
    key = expand(cache["key"])
    fallbacks = [expand(k) for k in cache.get("fallback_keys", [])]
    assert fallbacks == [key.replace(ref_slug(ref), ref_slug(main))], (key, fallbacks)
    cdir = os.path.join(store, "gl-cache")
    if not os.environ.get("EMU_NO_CACHE"):
        for k in [key] + fallbacks:
            if os.path.isdir(os.path.join(cdir, k)):
                for p in cache["paths"]:
                    copy(os.path.join(cdir, k, p), p)
                say("cache restore", k)
                break
    script = "\n".join(job["before_script"] + job["script"])
    counts["in_file"] += len(INVOKE.findall(script))
    rc = run_shell(script, env, ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"])
    say("script ->", rc)
    for p in cache["paths"]:
        if os.path.exists(p):
            copy(p, os.path.join(cdir, key, p))
    for p in art["paths"]:
        assert os.path.exists(p), "artifact path missing: " + p
    ET.parse(junit)
    return rc


def groovy_unescape(s):
    return re.sub(r"\\(.)", lambda m: m.group(1), s)


def jenkins():
    text = open(path).read()
    # Structure: blocks balanced outside strings and comments.
    depth, stack, i = 0, [], 0
    pairs = {"{": "}", "(": ")", "[": "]"}
    while i < len(text):
        if text.startswith("//", i):
            i = text.index("\n", i)
        elif text.startswith("'''", i):
            i = text.index("'''", i + 3) + 3
            continue
        elif text[i] in "'\"":
            q, i = text[i], i + 1
            while text[i] != q:
                assert text[i] != "\n", "string across a line"
                i += 2 if text[i] == "\\" else 1
        elif text[i] in pairs:
            stack.append(pairs[text[i]])
        elif text[i] in ")}]":
            assert stack and stack.pop() == text[i], "unbalanced at %d" % i
        i += 1
    assert not stack, "unclosed blocks"
    for needle in ["pipeline {", "agent { label 'perfguard' }", "disableConcurrentBuilds()",
                   "environment {", "stages {", "stage('Install perfguard')",
                   "stage('Restore the database')", "copyArtifacts(", "optional: true",
                   "stage('Benchmarks')", "returnStatus: true", "stage('Reports')",
                   "stage('Gate')", "post {", "always {", "junit(", "archiveArtifacts(",
                   "publishHTML("]:
        assert needle in text, needle
    assert text.index("stage('Reports')") < text.index("stage('Gate')")
    envblock = re.search(r"environment \{(.*?)\n    \}", text, re.S).group(1)
    env = dict(os.environ)
    for m in re.finditer(r"^\s+(\w+) = '((?:[^'\\]|\\.)*)'", envblock, re.M):
        env[m.group(1)] = groovy_unescape(m.group(2))
    assert env["CI"] == "true"
    scripts = re.findall(r"sh(?: |\(returnStatus: true, script: )'''(.*?)'''", text, re.S)
    assert len(scripts) == 3, len(scripts)
    for s in scripts:
        counts["in_file"] += len(INVOKE.findall(groovy_unescape(s)))
    sh = ["sh", "-e", "-c"]
    assert run_shell(groovy_unescape(scripts[0]), env, sh) == 0
    last = os.path.join(store, "jenkins-last", env["PERFGUARD_DB"])
    if os.path.exists(last):  # copyArtifacts from the main branch's last build
        copy(last, env["PERFGUARD_DB"])
    status = run_shell(groovy_unescape(scripts[1]), env, sh)
    rep = run_shell(groovy_unescape(scripts[2]), env, sh)
    # post/always: junit, archiveArtifacts, publishHTML
    ET.parse(os.path.join(env["PERFGUARD_OUT"], "report.xml"))
    assert os.path.exists(os.path.join(env["PERFGUARD_OUT"], "report.html"))
    if ref == main and os.path.exists(env["PERFGUARD_DB"]):
        copy(env["PERFGUARD_DB"], last)
    say("benchmarks ->", status, "reports ->", rep)
    return 1 if status == 1 else 0 if status == 0 and rep == 0 else 2


rc = {"github": github, "gitlab": gitlab, "jenkins": jenkins}[plat]()
open("emu.counts", "w").write("%d %d\n" % (counts["in_file"], counts["ran"]))
sys.exit(rc)
PY

# A suite in directory $1 whose one benchmark reports the value in app.val.
make_suite() {
	mkdir -p "$1"
	cat > "$1/val.sh" <<'SH'
n=$(cat val.n 2>/dev/null || echo 0); echo $((n + 1)) > val.n
awk -v b="$(cat app.val)" -v n="$n" 'BEGIN { printf "v %.6f\n", b * (1 + 0.01 * (n % 5 - 2)) }' > "$PERFGUARD_METRICS"
SH
	python3 - "$1/perfguard.json" "$2" <<'PY'
import json, sys
json.dump({"suite": sys.argv[2], "confirm_runs": 1, "auto_baseline": "approve",
           "baseline_runs": 1, "defaults": {"runs": 6, "warmup": 0},
           "components": [{"name": "app", "benchmarks": [
               {"name": "hot", "type": "custom", "metric": "v", "direction": "lower",
                "command": ["sh", "val.sh"]}]}]}, open(sys.argv[1], "w"))
PY
	echo 100 > "$1/app.val"
}

# Run pipeline $1 (platform) file $2 on ref $3 as run $4 in the current
# directory; require exit $5; the invocations it ran must all be logged, none
# of them with a usage error (a renamed flag).
pipeline() {
	: > "$PG_LOG"
	got=0
	python3 "$WORK/ci_emu.py" "$1" "$2" "$3" main "$4" > emu.out 2>&1 || got=$?
	if [ "$got" -ne "$5" ]; then
		echo "pipeline $1 on $3: expected exit $5, got $got"; cat emu.out "$PG_LOG"; return 1
	fi
	read -r in_file ran < emu.counts
	test "$in_file" -ge 6 && test "$ran" -eq "$(wc -l < "$PG_LOG")" || {
		echo "invocations: $in_file in the file, $ran run, logged:"; cat "$PG_LOG"; return 1; }
	if grep -q '^2	' "$PG_LOG"; then echo "a usage error:"; cat "$PG_LOG"; return 1; fi
}

# The reports of a pipeline: JUnit with $1 failures, JSON and Markdown.
reports_say() {
	python3 - "$1" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
r = ET.parse("perfguard-reports/report.xml").getroot()
fails = len(r.findall(".//failure"))
assert fails == int(sys.argv[1]), (fails, sys.argv[1])
json.load(open("perfguard-reports/report.json"))
md = open("perfguard-reports/report.md").read()
assert md.startswith("## perfguard") and (fails == 0 or "app/hot" in md), md
assert "<html" in open("perfguard-reports/report.html").read().lower()
PY
}

expect_success 'github: the workflow parses, passes yamllint and names what is left to do' '
	make_suite gh "aicleaner v3" && cd gh &&
	pg ci init github > init.out &&
	expect_contains init.out "wrote .github/workflows/perfguard.yml: a GitHub Actions workflow" &&
	expect_contains init.out "self-hosted runner with the label '"'"'perfguard'"'"'" &&
	expect_contains init.out "PERFGUARD_GIT" &&
	yamllint -s .github/workflows/perfguard.yml &&
	grep -q "restore-keys" .github/workflows/perfguard.yml &&
	grep -q "retention-days: 90" .github/workflows/perfguard.yml &&
	grep -q "GITHUB_STEP_SUMMARY" .github/workflows/perfguard.yml
'

expect_success 'github: a first pipeline on main runs every invocation, starts the history and saves it' '
	cd gh && pipeline github .github/workflows/perfguard.yml main 101 0 &&
	expect_contains emu.out "cache restore perfguard-db-aicleaner-v3-101-1 matched nothing" &&
	expect_contains emu.out "no earlier database: this run starts the history" &&
	expect_contains emu.out "cache save perfguard-db-aicleaner-v3-101-1" &&
	expect_contains emu.out "artifact perfguard-db-aicleaner-v3" &&
	expect_contains "$PG_LOG" "0	run --trigger ci --gate" && reports_say 0 &&
	expect_contains summary.md "## perfguard: ✅ gate passed" &&
	test -f "$CI_STORE/gh-artifacts/101/perfguard-db-aicleaner-v3/perfguard.db"
'

expect_success 'github: a pull request with a regression fails the gate, still reports, and saves nothing' '
	cd gh && rm -rf .perfguard perfguard-reports summary.md && echo 300 > app.val &&
	pipeline github .github/workflows/perfguard.yml feature/x 102 1 &&
	expect_contains emu.out "matched perfguard-db-aicleaner-v3-101-1" &&
	expect_contains "$PG_LOG" "1	run --trigger ci --gate" && reports_say 1 &&
	expect_contains summary.md "app/hot" &&
	! grep -q "cache save" emu.out && ! grep -q "artifact perfguard-db" emu.out &&
	expect_contains emu.out "artifact perfguard-reports-aicleaner-v3"
'

expect_success 'github: main saves a failing run under a new key, and the next run restores the newest' '
	cd gh && rm -rf .perfguard && pipeline github .github/workflows/perfguard.yml main 103 1 &&
	expect_contains emu.out "cache save perfguard-db-aicleaner-v3-103-1" &&
	rm -rf .perfguard && pipeline github .github/workflows/perfguard.yml main 104 1 &&
	expect_contains emu.out "matched perfguard-db-aicleaner-v3-103-1" &&
	test "$(sqlite3 .perfguard/perfguard.db "SELECT count(*) FROM run")" -ge 3
'

expect_success 'gitlab: the job parses, passes yamllint, and a first pipeline starts the history' '
	make_suite gl "aicleaner v3" && cd gl &&
	pg ci init gitlab > init.out && expect_contains init.out "wrote .gitlab-ci.yml" &&
	yamllint -s .gitlab-ci.yml &&
	pipeline gitlab .gitlab-ci.yml main 201 0 &&
	expect_contains emu.out "no earlier database: this pipeline starts the history" &&
	reports_say 0 && test -d "$CI_STORE/gl-cache/perfguard-aicleaner-v3-main"
'

expect_success 'gitlab: a branch starts from the main cache; its regression fails after the reports' '
	cd gl && rm -rf .perfguard perfguard-reports && echo 300 > app.val &&
	pipeline gitlab .gitlab-ci.yml Feature/X 202 1 &&
	expect_contains emu.out "cache restore perfguard-aicleaner-v3-main" &&
	reports_say 1 && test -d "$CI_STORE/gl-cache/perfguard-aicleaner-v3-feature-x"
'

expect_success 'gitlab: without a cache the database comes from the jobs/artifacts API' '
	cd gl && rm -rf .perfguard perfguard-reports &&
	mkdir -p api/api/v4/projects/7/jobs/artifacts/main/raw/.perfguard &&
	cp "$CI_STORE/gl-cache/perfguard-aicleaner-v3-main/.perfguard/perfguard.db" \
		api/api/v4/projects/7/jobs/artifacts/main/raw/.perfguard/
	python3 -c "
import functools, http.server
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=\"api\")
s = http.server.ThreadingHTTPServer((\"127.0.0.1\", 0), h)
open(\"port.tmp\", \"w\").write(str(s.server_port))
__import__(\"os\").rename(\"port.tmp\", \"port\")
s.serve_forever()" >/dev/null 2>&1 &
	srv=$!
	i=0
	while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	echo 300 > app.val
	st=0
	EMU_NO_CACHE=1 EMU_API="http://127.0.0.1:$(cat port)/api/v4" \
		pipeline gitlab .gitlab-ci.yml other 203 1 || st=1
	kill $srv
	[ $st -eq 0 ] &&
	expect_contains emu.out "fetched the database of the last main pipeline" && reports_say 1
'

expect_success 'jenkins: the Jenkinsfile is well formed and runs: pass, then a failing gate after the reports' '
	make_suite jk "aicleaner v3" && cd jk &&
	pg ci init jenkins > init.out && expect_contains init.out "wrote Jenkinsfile" &&
	expect_contains init.out "Copy Artifact (optional)" &&
	pipeline jenkins Jenkinsfile main 301 0 && reports_say 0 &&
	rm -rf .perfguard perfguard-reports && echo 300 > app.val &&
	pipeline jenkins Jenkinsfile main 302 1 && reports_say 1 &&
	expect_contains emu.out "benchmarks -> 1 reports -> 0"
'

# A suite name and paths that mean something to YAML, Groovy, the shell
# and GitHub expressions; GitLab expands '$' in paths and Jenkins splits
# artifact patterns at spaces, so each platform gets what it can hold.
evil_suite='evil" name: x
${{ secrets.TOKEN }} $(touch pwned) `id` '"'"'q'"'"' #c \ end'
gh_dir='we'"'"'ird $d "q" #x'
gl_dir='we'"'"'ird "q" #x'
jk_dir='we'"'"'ird"q"#x$d'

expect_success 'a hostile suite name and config paths are escaped: every pipeline still runs as written' '
	for d in "$gh_dir" "$gl_dir" "$jk_dir"; do make_suite "$d" "$evil_suite"; done &&
	pg -c "$gh_dir/perfguard.json" ci init github >/dev/null &&
	pg -c "$gl_dir/perfguard.json" ci init gitlab >/dev/null &&
	pg -c "$jk_dir/perfguard.json" ci init jenkins >/dev/null &&
	yamllint -s .github/workflows/perfguard.yml .gitlab-ci.yml &&
	python3 - "$gh_dir" "$gl_dir" "$jk_dir" <<-PY &&
	import re, sys, yaml
	gh_dir, gl_dir, jk_dir = sys.argv[1:]
	gh = yaml.safe_load(open(".github/workflows/perfguard.yml"))
	env = gh["jobs"]["perfguard"]["env"]
	assert env["PERFGUARD_CONFIG"] == gh_dir + "/perfguard.json", env
	assert env["PERFGUARD_DB"] == gh_dir + "/.perfguard/perfguard.db", env
	assert gh["name"].startswith("perfguard: evil\" name: x \$ {{ secrets.TOKEN"), gh["name"]
	assert env["PERFGUARD_KEY"] == "perfguard-db-evil-name-x-secrets.toke", env
	gl = yaml.safe_load(open(".gitlab-ci.yml"))
	assert gl["perfguard"]["variables"]["PERFGUARD_DB"] == gl_dir + "/.perfguard/perfguard.db"
	assert list(gl) == ["perfguard"], list(gl)
	jk = open("Jenkinsfile").read()
	line = [l for l in jk.splitlines() if "PERFGUARD_DB = " in l][0].strip()
	val = re.sub(r"\\\\(.)", r"\1", line[len("PERFGUARD_DB = ") + 1:-1])
	assert val == jk_dir + "/.perfguard/perfguard.db", line
	for f in [".github/workflows/perfguard.yml", ".gitlab-ci.yml", "Jenkinsfile"]:
	    t = open(f).read()
	    assert "secrets.TOKEN" not in t.replace("\$ {{ secrets.TOKEN", ""), f
	PY
	pipeline github .github/workflows/perfguard.yml main 401 0 &&
	pipeline gitlab .gitlab-ci.yml main 402 0 &&
	pipeline jenkins Jenkinsfile main 403 0 &&
	for d in "$gh_dir" "$gl_dir" "$jk_dir"; do test -f "$d/.perfguard/perfguard.db" || exit 1; done &&
	! test -e pwned && expect_contains "$PG_LOG" "0	report --format markdown"
'

expect_success 'GitLab refuses a path with $ and Jenkins one with a space, saying why' '
	expect_exit 2 pg -c "$gh_dir/perfguard.json" ci init gitlab -o gl.yml &&
	expect_contains "$WORK/.err" "holds '"'"'\$'"'"', which GitLab expands" &&
	expect_exit 2 pg -c "$gl_dir/perfguard.json" ci init jenkins -o jk.groovy &&
	expect_contains "$WORK/.err" "holds a space, where Jenkins'"'"' artifact patterns split" &&
	test ! -e gl.yml && test ! -e jk.groovy
'

expect_success 'an existing file is kept without --force; --force replaces it whole' '
	make_suite ow suite && cd ow && pg ci init jenkins >/dev/null &&
	echo mine > Jenkinsfile && expect_exit 2 pg ci init jenkins &&
	expect_contains "$WORK/.err" "Jenkinsfile already exists; use --force" &&
	test "$(cat Jenkinsfile)" = mine &&
	pg ci init jenkins --force >/dev/null && grep -q "^pipeline {" Jenkinsfile &&
	pg ci init gitlab -o ci/perfguard.yml --branch trunk >/dev/null &&
	expect_contains ci/perfguard.yml "#     - local: ci/perfguard.yml" &&
	expect_contains ci/perfguard.yml "perfguard-suite-trunk" &&
	test -z "$(find . -name "*.tmp.*")"
'

expect_success 'what cannot go into a pipeline is refused with the reason, and nothing is written' '
	make_suite bad suite && cd bad &&
	expect_exit 2 pg ci init circleci && expect_contains "$WORK/.err" "no platform '"'"'circleci'"'"'" &&
	expect_exit 2 pg ci init && expect_contains "$WORK/.err" "expected a platform" &&
	expect_exit 2 pg ci init github --branch "ma in" &&
	expect_contains "$WORK/.err" "--branch: expected a branch name" &&
	expect_exit 2 pg --db "db/*.db" ci init github &&
	expect_contains "$WORK/.err" "holds '"'"'*'"'"', which CI path patterns read as a pattern" &&
	expect_exit 2 pg --db "$(printf "a\nb.db")" ci init gitlab &&
	expect_contains "$WORK/.err" "control character" &&
	expect_exit 2 pg --db /elsewhere/x.db ci init jenkins &&
	expect_contains "$WORK/.err" "is not inside the current directory" &&
	expect_exit 2 pg -c nosuch.json ci init github &&
	test ! -e .github && test ! -e .gitlab-ci.yml && test ! -e Jenkinsfile
'

finish
