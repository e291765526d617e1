// CPU time of this process's threads, from Linux's /proc: the main thread (JavaScript, the event loop,
// SQLite) apart from V8's helper threads (the optimizing compiler, the garbage collector's parallel
// tasks) and libuv's pool. A benchmark's note says how much of its CPU the helpers used: while V8 is
// still compiling a path, they add a cost a node that has been up a while no longer pays.
import { readdirSync, readFileSync } from "node:fs";

/** CPU seconds per thread id; empty where /proc is not there (not Linux). */
export type ThreadCpu = Map<string, number>;

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux Node runs on

export function threadCpu(): ThreadCpu {
  const out: ThreadCpu = new Map();
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(tid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** CPU used between two readings by the main thread and by all the others; null without /proc. */
export function threadCpuSince(before: ThreadCpu): { main: number; others: number } | null {
  const after = threadCpu();
  if (after.size === 0) return null;
  const main = String(process.pid);
  let others = 0;
  for (const [tid, cpu] of after) if (tid !== main) others += cpu - (before.get(tid) ?? 0);
  return { main: (after.get(main) ?? 0) - (before.get(main) ?? 0), others };
}

export function describeThreadCpu(split: { main: number; others: number } | null): string {
  return split ? `main thread ${split.main.toFixed(2)} CPU-s, V8's and libuv's helper threads ${split.others.toFixed(2)}` : "per-thread CPU not available here";
}
