#!/usr/bin/env python3
"""Where the CPU goes: CPU seconds per process and per thread group over a window (Linux /proc; loopback benchmarks).

  thread_cpu.py SECONDS PID[:LABEL] ...
      e.g. thread_cpu.py 20 $(cat run/intelligence.pid):intelligence $(cat run/redis.pid):redis $(pgrep -f soak.py):client

Prints the machine's busy CPU-seconds (user, nice, system) over the window and, per process, the CPU-seconds of
its threads grouped by name with the numbers taken out (the kernel keeps 15 characters of a thread's name:
http-nio-8082-exec-12 -> "http-nio-N-", C2 CompilerThread0 -> "CN CompilerThre"): which pool the time went to. Threads that started or ended inside the window count only
for the part both samples saw. docs/benchmarks.md, "Soak and flood", used it.
"""
import collections
import os
import re
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def group(name):
    return re.sub(r"\d+", "N", re.sub(r"[-#_ ]?\d+$", "", name))


def sample(pid):
    """{(thread id, group): utime + stime ticks} of one process."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue  # the thread ended between listdir and open
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[(tid, group(name))] = int(fields[11]) + int(fields[12])
    return out


def machine():
    return [int(v) for v in open("/proc/stat").readline().split()[1:]]


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    seconds = float(sys.argv[1])
    procs = [(a.split(":")[0], a.split(":")[1] if ":" in a else a) for a in sys.argv[2:]]
    m0, before = machine(), {pid: sample(pid) for pid, _ in procs}
    time.sleep(seconds)
    m1, after = machine(), {pid: sample(pid) for pid, _ in procs}
    d = [b - a for a, b in zip(m0, m1)]
    print(f"machine over {seconds:g} s: busy {(sum(d) - d[3] - d[4]) / HZ:.1f} of {sum(d) / HZ:.1f} CPU-s "
          f"(user {d[0] / HZ:.1f}, nice {d[1] / HZ:.1f}, system {d[2] / HZ:.1f}, idle {d[3] / HZ:.1f})")
    for pid, label in procs:
        groups = collections.Counter()
        for key, ticks in after[pid].items():
            groups[key[1]] += (ticks - before[pid].get(key, 0)) / HZ
        top = ", ".join(f"{g} {v:.1f}" for g, v in groups.most_common(8) if v >= 0.05)
        print(f"{label:14s} {sum(groups.values()):6.1f} CPU-s  {top}")


if __name__ == "__main__":
    main()
