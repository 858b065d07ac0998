# tests/cli/report_shot.py CHROMIUM URL PNG JS(1|0) PROFILE: open URL in headless Chromium
# over the DevTools protocol (a pipe), with JavaScript on or off, wait for
# the load, save a 1200x1800 screenshot to PNG and print every console
# message, exception and error log entry, one per line; with DOM, write
# the page's document as the browser built it there. MEDIA "dark" emulates
# prefers-color-scheme: dark, "print" the print media.
import base64, json, os, subprocess, sys, time
chromium, url, png, js, profile = sys.argv[1:6]
to_r, to_w = os.pipe()
from_r, from_w = os.pipe()
def child():
    # dup2 onto itself keeps close-on-exec: make both inheritable.
    a, b = os.dup(to_r), os.dup(from_w)
    os.dup2(a, 3)
    os.dup2(b, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)
proc = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--remote-debugging-pipe", "--user-data-dir=" + profile,
                         "--hide-scrollbars", "--window-size=1200,1800", "about:blank"],
                        preexec_fn=child, close_fds=False,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.close(to_r)
os.close(from_w)
buf, next_id, events = b"", 0, []
def send(method, params=None, session=None):
    global next_id
    next_id += 1
    msg = {"id": next_id, "method": method, "params": params or {}}
    if session:
        msg["sessionId"] = session
    os.write(to_w, json.dumps(msg).encode() + b"\0")
    return next_id
def read():
    global buf
    while b"\0" not in buf:
        chunk = os.read(from_r, 1 << 16)
        if not chunk:
            raise SystemExit("chromium closed the pipe")
        buf += chunk
    msg, buf = buf.split(b"\0", 1)
    return json.loads(msg)
def call(method, params=None, session=None):
    want = send(method, params, session)
    deadline = time.time() + 60
    while time.time() < deadline:
        m = read()
        if m.get("id") == want:
            if "error" in m:
                raise SystemExit("%s: %s" % (method, m["error"]))
            return m.get("result", {})
        events.append(m)
    raise SystemExit("timed out: " + method)
target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
s = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
for d in ("Page", "Runtime", "Log"):
    call(d + ".enable", session=s)
call("Emulation.setScriptExecutionDisabled", {"value": js != "1"}, session=s)
call("Emulation.setDeviceMetricsOverride", {"width": 1200, "height": 1800,
     "deviceScaleFactor": 1, "mobile": False}, session=s)
media = sys.argv[7] if len(sys.argv) > 7 else ""
if media == "dark":
    call("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme",
                                                      "value": "dark"}]}, session=s)
elif media == "print":
    call("Emulation.setEmulatedMedia", {"media": "print"}, session=s)
call("Page.navigate", {"url": url}, session=s)
deadline = time.time() + 60
while not any(e.get("method") == "Page.loadEventFired" for e in events):
    if time.time() > deadline:
        raise SystemExit("the page did not load")
    events.append(read())
time.sleep(0.3)
shot = call("Page.captureScreenshot", {"format": "png"}, session=s)
open(png, "wb").write(base64.b64decode(shot["data"]))
if len(sys.argv) > 6:
    root = call("DOM.getDocument", {"depth": -1}, session=s)["root"]["nodeId"]
    html = call("DOM.getOuterHTML", {"nodeId": root}, session=s)["outerHTML"]
    open(sys.argv[6], "w", encoding="utf-8").write(html)
for e in events:
    m, p = e.get("method"), e.get("params", {})
    if m == "Runtime.consoleAPICalled":
        print("console.%s: %s" % (p["type"], " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])))
    elif m == "Runtime.exceptionThrown":
        d = p["exceptionDetails"]
        print("exception: %s" % d.get("exception", {}).get("description", d.get("text")))
    elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
        print("log.%s: %s" % (p["entry"]["level"], p["entry"]["text"]))
try:
    call("Browser.close")
except SystemExit:
    pass
proc.wait(timeout=30)
