# tests/cli/serve_stress.py MODE PORT: drive `perfguard serve` on 127.0.0.1:PORT
# with hostile or heavy traffic and check that it keeps answering.
#   fuzz N SEED  N raw requests, generated from SEED (deterministic): random
#                bytes, long and %-encoded paths, odd methods, versions and
#                headers (hostile X-Ingress-Path, huge, many, control bytes),
#                lying Content-Length and chunked bodies; 20 at a time, each
#                bounded by a socket timeout; a clean GET / every 50 must be 200
#   slow N       N sockets that connect and send half a request (or nothing)
#                and stall, and a few that never read their answer; while
#                they are held, clean requests must be answered
#   load N       N clients at once (a barrier), each one GET of /, /report.json
#                or a benchmark's page; every one must be 200 with a full body
# Prints a line of figures; exits non-zero when the server failed a check.
import http.client, json, random, socket, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

mode, port = sys.argv[1], int(sys.argv[2])

def clean_get(path="/", timeout=60):
    """A well-formed GET: (status, body)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()

def raw(data, timeout=3.0):
    """Send bytes, half-close, read until closed or timeout: the status line or a word."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    got = b""
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while len(got) < 1 << 20:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionError, OSError):
        pass
    finally:
        s.close()
    if got.startswith(b"HTTP/1."):
        return got.split(b" ", 2)[1].decode("ascii", "replace")
    return "closed" if not got else "garbage"

def fuzz_case(rng):
    """One hostile request, as bytes."""
    pct = lambda: "%" + rng.choice(["", "0", "G1", "00", "2F", "2f", "FF", "zz", "%", "25"])
    seg = lambda: "".join(rng.choice(["a", "/", "..", ".", pct(), "\u00e9", "<", "\"", " ", "?", "#"])
                          for _ in range(rng.randint(0, 12)))
    kind = rng.randrange(10)
    if kind == 0:
        return bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 3000)))
    method = rng.choice(["GET", "HEAD", "POST", "G\x00T", "get", "", "X" * 300, "CONNECT", "PRI"])
    path = rng.choice(["/", "/benchmark/" + seg() + "/" + seg(), "/" + seg(), "*",
                       "http://x/", "/" + "a" * rng.choice([100, 5000, 70000]),
                       "/benchmark/" + "%41" * 3000 + "/x", "/report.json?" + seg(),
                       "/benchmark/app/parse"])
    version = rng.choice(["HTTP/1.1", "HTTP/1.0", "HTTP/9.9", "HTTP/1.1 extra", "", "HTTP/0.9"])
    headers = ["Host: x"] if rng.random() < 0.8 else []
    for _ in range(rng.randint(0, 6)):
        headers.append(rng.choice([
            "X-Ingress-Path: " + rng.choice(["/a/b", "/" + seg(), "//x", "/x\"><b>", "/" + "a" * 400,
                                            "\x01\x7f", ""]),
            "X-Ingress-Path: /ok\r\nX-Ingress-Path: /../evil",
            "Content-Length: " + rng.choice(["5", "-1", "999999999999", "x", "3, 4"]),
            "Transfer-Encoding: chunked",
            "Cookie: " + "c" * rng.choice([10, 40000]),
            "Bad Header Name: v", ": empty", "NoColon", "X: \x00\x01\x02",
            "Range: bytes=0-1", "Connection: " + rng.choice(["close", "keep-alive", "Upgrade"]),
        ]))
    if rng.random() < 0.1:
        headers += ["X-%d: %d" % (i, i) for i in range(rng.choice([200, 2000]))]
    body = rng.choice(["", "", "abc", "0\r\n\r\n", "zz\r\nhello\r\n", "5\r\nab"])
    eol = rng.choice(["\r\n", "\r\n", "\n", "\r"])
    text = method + " " + path + " " + version + eol + eol.join(headers) + eol + eol + body
    return text.encode("utf-8", "surrogateescape")

def fuzz(n, seed):
    rng = random.Random(seed)
    cases = [fuzz_case(rng) for _ in range(n)]
    seen, failures = {}, []
    with ThreadPoolExecutor(20) as pool:
        for start in range(0, n, 50):
            for status in pool.map(raw, cases[start:start + 50]):
                seen[status] = seen.get(status, 0) + 1
            status, body = clean_get()
            if status != 200 or b"Gate:" not in body:
                failures.append("after %d cases: GET / gave %d" % (start + 50, status))
    if "500" in seen:
        failures.append("a 500 answer")
    print("fuzz: %d cases; answers %s" % (n, ", ".join("%s: %d" % kv for kv in sorted(seen.items()))))
    return failures

def slow(n):
    held = []
    halves = [b"", b"GET / HT", b"GET / HTTP/1.1\r\nHost: x\r\n", b"GET /benchmark/app/pa"]
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(halves[i % len(halves)])
        held.append(s)
    for i in range(5):  # ask, never read
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 50)
        held.append(s)
    failures, t0 = [], time.monotonic()
    for path in ["/", "/report.json", "/benchmark/app/parse"]:
        status, body = clean_get(path, timeout=60)
        if status != 200 or not body:
            failures.append("%s: %d while %d slow clients were held" % (path, status, len(held)))
    took = time.monotonic() - t0
    for s in held:
        s.close()
    status, _ = clean_get()
    if status != 200:
        failures.append("GET / after the slow clients left: %d" % status)
    print("slow: %d stalled sockets held; 3 clean requests answered in %.2f s" % (len(held), took))
    return failures

def load(n):
    paths = ["/", "/report.json", "/benchmark/app/parse", "/benchmark/db/query"]
    barrier, results = threading.Barrier(n, timeout=120), [None] * n
    def client(i):
        try:
            barrier.wait()
            status, body = clean_get(paths[i % len(paths)], timeout=120)
            if status == 200 and paths[i % len(paths)] == "/report.json":
                json.loads(body)
            results[i] = (status, len(body))
        except Exception as e:  # noqa: a failure to report, whatever it is
            results[i] = (repr(e), 0)
    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    bad = [r for r in results if r is None or r[0] != 200 or r[1] == 0]
    print("load: %d concurrent requests, %d answered 200, in %.2f s (%.0f requests/s)"
          % (n, n - len(bad), took, n / took))
    return ["%d of %d failed, e.g. %r" % (len(bad), n, bad[0])] if bad else []

if mode == "fuzz":
    fails = fuzz(int(sys.argv[3]), int(sys.argv[4]))
elif mode == "slow":
    fails = slow(int(sys.argv[3]))
else:
    fails = load(int(sys.argv[3]))
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
