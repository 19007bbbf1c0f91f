#!/usr/bin/env python3
"""Save -> findable latency of `annals serve`'s search index, from outside the process.

    scripts/serve_search_latency.py SITE_ROOT ANNALS_BIN [RUNS]

Starts `annals serve --root SITE_ROOT`, then RUNS times (default 5) appends a
paragraph with a new word to a report and polls the served index, as
static/search.js reads it, until the word is findable: pagefind/shards.json,
then for each bundle it lists (the shards and the overlay of recent edits) its
pagefind-entry.json, its metadata and the index chunk whose word range holds
the word. Prints the time to findable (the word in the overlay or in its
shard) and the time until the index is a clean build's again (the word in its
shard's own index, no overlay left). Restores the report after each run.
"""
import gzip, json, os, random, re, socket, statistics, string, subprocess, sys, time
import urllib.request

root, annals = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
srv = subprocess.Popen([annals, "serve", "--root", root, "--port", str(port)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
site = open(os.path.join(root, "site.yaml"), encoding="utf-8").read()
m = re.search(r'^base_url:\s*"?https?://[^/\s"]+(/[^"\s]*)?', site, re.M)
path = (m.group(1) or "/") if m else "/"
base = f"http://127.0.0.1:{port}" + (path if path.endswith("/") else path + "/")


def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=10) as r:
            return r.read()
    except Exception:
        return b""


def cbor(b, i=0):
    """A minimal CBOR decoder (what Pagefind's metadata uses): (value, next)."""
    major, info = b[i] >> 5, b[i] & 31
    i += 1
    if info < 24:
        n = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        n = int.from_bytes(b[i:i + size], "big")
        i += size
    if major in (0, 1):
        return (n if major == 0 else -1 - n), i
    if major in (2, 3):
        v = b[i:i + n]
        return (v.decode() if major == 3 else v), i + n
    if major == 4:
        out = []
        for _ in range(n):
            v, i = cbor(b, i)
            out.append(v)
        return out, i
    raise ValueError(f"CBOR major type {major}")


def unpack(gz):
    data = gzip.decompress(gz)
    assert data.startswith(b"pagefind_dcd")
    return data[len("pagefind_dcd"):]


def bundle_has(key, word):
    """Whether the bundle pagefind/<key>/ indexes `word` (False while a
    rebuild replaces its files between two requests)."""
    try:
        return bundle_has_now(key, word)
    except (AssertionError, ValueError, KeyError, IndexError, OSError, EOFError):
        return False


def bundle_has_now(key, word):
    entry = json.loads(get(f"pagefind/{key}/pagefind-entry.json") or b"{}")
    lang = next(iter(entry.get("languages", {}).values()), None)
    if not lang:
        return False
    meta, _ = cbor(unpack(get(f"pagefind/{key}/pagefind.{lang['hash']}.pf_meta")))
    # A chunk's bounds are the shortest prefixes that tell it from its neighbours.
    for frm, to, h in meta[2]:
        if frm <= word and word[: len(to)] <= to:
            if word.encode() in unpack(get(f"pagefind/{key}/index/{h}.pf_index")):
                return True
    return False


def state(year, word):
    """(findable, final): the word is in some bundle; it is in its shard and no overlay is left."""
    listed = json.loads(get("pagefind/shards.json") or b"{}")
    keys = [x["key"] for x in listed.get("shards", [])]
    overlay = listed.get("overlay", {})
    shard = next((k for k in keys if k.startswith(year)), None)
    in_shard = shard is not None and bundle_has(shard, word)
    in_overlay = bool(overlay.get("key")) and bundle_has(overlay["key"], word)
    return in_shard or in_overlay, in_shard and not overlay


try:
    t0 = time.time()
    while not get(""):
        if time.time() - t0 > 900 or srv.poll() is not None:
            raise SystemExit("serve did not come up")
        time.sleep(0.2)
    print(f"serve ready after {time.time() - t0:.1f} s", flush=True)
    adir = os.path.join(root, "content", "articles")
    names = sorted(os.listdir(adir))
    random.seed(7)
    found, final = [], []
    for i in range(runs):
        name = random.choice(names)
        f = os.path.join(adir, name)
        orig = open(f, encoding="utf-8").read()
        year = re.search(r"(?m)^date:\s*\"?(\d{4})", orig).group(1)
        word = "zqvw" + "".join(random.choice("bcdfghjklmnprstvz") for _ in range(8))
        try:
            time.sleep(0.5)
            with open(f, "w", encoding="utf-8") as fh:
                fh.write(orig + f"\n\nA paragraph with {word} in it.\n")
            t = time.perf_counter()
            got = None
            while time.perf_counter() - t < 120:
                ok, done = state(year, word)
                now = (time.perf_counter() - t) * 1000
                if ok and got is None:
                    got = now
                    found.append(now)
                if done:
                    final.append(now)
                    break
                time.sleep(0.005)
            else:
                raise SystemExit(f"{word} not findable within 120 s")
        finally:
            with open(f, "w", encoding="utf-8") as fh:
                fh.write(orig)
        # Let the restore settle before the next run.
        t = time.perf_counter()
        while time.perf_counter() - t < 120 and (
            state(year, word)[0] or json.loads(get("pagefind/shards.json") or b"{}").get("overlay")
        ):
            time.sleep(0.05)
    med = statistics.median
    print("findable ms: median %.0f  all %s" % (med(found), ", ".join(f"{x:.0f}" for x in found)))
    print("index equal to a clean build's ms: median %.0f  all %s" % (med(final), ", ".join(f"{x:.0f}" for x in final)))
    print(f"RESULT findable_ms={med(found):.0f} final_ms={med(final):.0f}")
finally:
    srv.terminate()
    try:
        srv.wait(10)
    except Exception:
        srv.kill()
