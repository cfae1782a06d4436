#!/usr/bin/env node
// How long a thread waited for a CPU after it became ready, and which threads held the CPU
// meanwhile. Reads `perf script` output of a `perf sched record` from stdin.
//
//   perf sched record -o /tmp/sched.data -- sleep 2      # while the load runs
//   perf script -i /tmp/sched.data | bench/run-queue-waits.mjs --tid <io thread> --cpu 1 [--over-us 200]
//
// Prints the waits' p50/p99/p99.9 and, for the waits longer than --over-us, the time each other
// thread ran on that CPU during them. This is how the c=1 latency tail was traced to the store
// thread's bursts (bench/README.md, "Why the c=1 tail").
import { createInterface } from "node:readline";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith("--") ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
if (!args.tid) {
  console.error("usage: perf script -i sched.data | run-queue-waits.mjs --tid TID [--cpu N] [--over-us US]");
  process.exit(2);
}
const tid = String(args.tid);
const cpu = Number(args.cpu ?? 1);
const overSeconds = Number(args["over-us"] ?? 500) / 1e6;

const line = /^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)$/;
let waitingSince = null; // when the thread became ready and was not running
let running = false;
const lastSwitchOn = new Map(); // cpu -> time of its last context switch
let heldDuringWait = new Map();
const culprits = new Map();
const waits = [];
let longWaits = 0;

for await (const text of createInterface({ input: process.stdin })) {
  const m = line.exec(text);
  if (!m) continue;
  const [, , , cpuText, timeText, event, rest] = m;
  const at = Number(timeText);
  const onCpu = Number(cpuText);
  if (event === "sched:sched_waking" && new RegExp(`pid=${tid}\\b`).test(rest)) {
    if (!running && waitingSince === null) {
      waitingSince = at;
      heldDuringWait = new Map();
    }
  } else if (event === "sched:sched_switch") {
    const prev = /prev_comm=(.*?) prev_pid=(\d+).*prev_state=(\S+)/.exec(rest);
    const next = /next_comm=(.*?) next_pid=(\d+)/.exec(rest);
    if (!prev || !next) continue;
    if (onCpu === cpu && waitingSince !== null && prev[2] !== tid) {
      const key = `${prev[1]}:${prev[2]}`;
      const held = at - Math.max(lastSwitchOn.get(onCpu) ?? at, waitingSince);
      heldDuringWait.set(key, (heldDuringWait.get(key) ?? 0) + held);
    }
    lastSwitchOn.set(onCpu, at);
    if (prev[2] === tid) {
      running = false;
      if (prev[3].startsWith("R")) { // preempted: ready again at once
        waitingSince = at;
        heldDuringWait = new Map();
      }
    }
    if (next[2] === tid) {
      running = true;
      if (waitingSince !== null) {
        const waited = at - waitingSince;
        waits.push(waited);
        if (waited > overSeconds) {
          longWaits += 1;
          for (const [key, held] of heldDuringWait) culprits.set(key, (culprits.get(key) ?? 0) + held);
        }
      }
      waitingSince = null;
    }
  }
}

waits.sort((a, b) => a - b);
const pct = (p) => (waits.length ? (waits[Math.min(waits.length - 1, Math.floor(p * waits.length))] * 1e6).toFixed(0) : "n/a");
console.log(`waits ${waits.length}; over ${(overSeconds * 1e6).toFixed(0)} µs: ${longWaits}; p50 ${pct(0.5)} µs, p99 ${pct(0.99)} µs, p99.9 ${pct(0.999)} µs`);
for (const [key, held] of [...culprits].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
  console.log(`  ${key.padEnd(36)} ${(held * 1e3).toFixed(2)} ms on cpu ${cpu} during those waits`);
}
