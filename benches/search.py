#!/usr/bin/env python3
"""Search latency on an archive, by hand (not in CI):

    benches/search.py target/release/cable-archive big/archive.db [QUERY ARGS...]

For each query (default: the inputs of issue 13): one cold run (the archive and its WAL
evicted from the page cache with posix_fadvise DONTNEED first), one first run (the cache as
left), then 5 warm runs. Prints milliseconds: cold, first, the median wall time of the 5 and
the median CPU time (user+sys of the child) of the 5, then the last line of stderr. A query
argument is split as a shell would ("'U.S. Lavrov' --from 2009").
"""
import os
import resource
import shlex
import statistics
import subprocess
import sys
import time

QUERIES = [["nuclear reactor"], ["Lavrov"], ["S-300"], ["U.S."], ["al-Qaeda"],
           ["\"Mbeki's\""], ["1.4(b)"], ["10,000"], ["e-mail"], ["2009"],
           ["Lavrov", "--from", "2009", "--to", "2009-06"],
           ["nuclear", "--classification", "SECRET"]]


def evict(db):
    for path in (db, db + "-wal"):
        if os.path.exists(path):
            fd = os.open(path, os.O_RDONLY)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            os.close(fd)


def run(binary, db, args):
    """(wall s, cpu s, stdout, stderr, exit status) of one search."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run([binary, "search", *args, "--db", db], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.stdout, p.stderr, p.returncode


def main():
    binary, db = sys.argv[1], sys.argv[2]
    queries = [shlex.split(a) for a in sys.argv[3:]] or QUERIES
    print(f"{'command':45s} {'cold':>6s} {'first':>6s} {'warm':>6s} {'cpu':>5s}   (ms)")
    for q in queries:
        evict(db)
        cold = run(binary, db, q)[0]
        first = run(binary, db, q)[0]
        runs = [run(binary, db, q) for _ in range(5)]
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        _, _, out, err, status = runs[-1]
        last = err.strip().splitlines()
        print(f"{shlex.join(['search', *q]):45s} {cold*1000:6.0f} {first*1000:6.0f} "
              f"{wall*1000:6.0f} {cpu*1000:5.0f}   exit {status}, {len(out.splitlines())//2} shown"
              f" | {last[-1] if last else ''}", flush=True)


if __name__ == "__main__":
    main()
