#!/usr/bin/env python3
"""samples.py DB SQL: run SQL on a perfguard database (read-only) as sqlite3
would print it, with a table `sample` of one row per sample (run_id,
benchmark_id, seq, value, wall_ns, user_ns, sys_ns, max_rss_kib, exit_code,
term_signal) in every schema: schema 8 packs a run's samples of a benchmark
in one blob (src/store/sample_pack.h), unpacked here by a decoder of its own
so that tests check the store's encoder against a second reading of the
layout. Imported, rows(db) gives those rows of an open connection."""
import sqlite3
import struct
import sys

REFS = 4


def _varint(b, pos):
    v = shift = 0
    while True:
        c = b[pos]
        pos += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return v, pos


def _signed(u):
    u &= (1 << 64) - 1
    return u - (1 << 64) if u >> 63 else u


def _unzigzag(z):
    return (z >> 1) ^ (-(z & 1) & ((1 << 64) - 1))


def _trunc(v, scale):
    p = v * scale
    if p != p or p in (float("inf"), float("-inf")) or not -9.2e18 < p < 9.2e18:
        return 0
    return int(p)


def unpack(blob):
    """The samples of a blob: a list of [value, wall, user, sys, rss, exit, sig]."""
    b = bytes(blob)
    assert b[0] == 1, "format %d" % b[0]
    n, pos = _varint(b, 1)
    coding = b[pos]
    pos += 1
    bits = []
    kind = None
    if coding == 2:
        kind = b[pos]
        pos += 1
        bits = [0] * n
    for i in range(n if kind is None else 0):
        if coding == 0:
            bits.append(int.from_bytes(b[pos:pos + 8], "little"))
            pos += 8
            continue
        c = b[pos]
        pos += 1
        ref, hi, lo = c >> 6, c >> 3 & 7, c & 7
        length = 0 if (hi, lo) == (7, 7) else 8 - hi - lo
        x = int.from_bytes(b[pos:pos + length], "little") << (8 * lo)
        pos += length
        bits.append(x ^ (bits[i - 1 - ref] if i else 0))
    rows = [[struct.unpack("<d", u.to_bytes(8, "little"))[0]] for u in bits]
    for col in range(6):
        pred = b[pos]
        pos += 1
        if pred == 0:
            z, pos = _varint(b, pos)
            for r in rows:
                r.append(_signed(_unzigzag(z)))
            continue
        for i, r in enumerate(rows):
            z, pos = _varint(b, pos)
            if pred == 1:
                e = rows[i - 1][1 + col] if i else 0
            else:
                e = _trunc(r[0], 1e6 if pred == 2 else 1)
            r.append(_signed(e + _unzigzag(z)))
    assert pos == len(b), "trailing bytes"
    for r in rows if kind is not None else ():
        wall, user, sys_, rss = r[1:5]
        cpu = _signed(user + sys_)
        r[0] = [wall / 1e6, cpu / 1e6, float(rss)][kind]
    return rows


def rows(db):
    """Every sample of an open database as (run_id, benchmark_id, seq, ...)."""
    v = db.execute("PRAGMA user_version").fetchone()[0]
    if v < 8:
        return db.execute("SELECT run_id, benchmark_id, seq, value, wall_ns, user_ns,"
                          " sys_ns, max_rss_kib, exit_code, term_signal FROM sample"
                          " ORDER BY 1, 2, 3").fetchall()
    out = []
    for run, bench, n, data in db.execute("SELECT run_id, benchmark_id, n, data"
                                          " FROM sample_pack ORDER BY 1, 2"):
        s = unpack(data)
        assert len(s) == n, (run, bench, n, len(s))
        out.extend((run, bench, seq, *r) for seq, r in enumerate(s))
    return out


def main():
    db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
    if db.execute("PRAGMA user_version").fetchone()[0] >= 8:
        db.execute("CREATE TEMP TABLE sample (run_id, benchmark_id, seq, value REAL, wall_ns,"
                   " user_ns, sys_ns, max_rss_kib, exit_code, term_signal)")
        db.executemany("INSERT INTO temp.sample VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       rows(db))
    for r in db.execute(sys.argv[2]):
        print("|".join("" if x is None else str(x) for x in r))


if __name__ == "__main__":
    main()
