/**
 * CPU and memory of processes, read from /proc (Linux). CPU is utime + stime in clock ticks
 * (`getconf CLK_TCK`, 100 on Linux x86-64), sampled at the start and end of a measurement
 * window; peak memory is VmHWM, the high-water mark of resident memory over the process's
 * life (every measured process is started fresh for its step, so that is the step's peak).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds used so far by `pid`, or null if it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces: count fields after its closing paren.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** PIDs of every process whose command name is `comm` (e.g. all of PostgreSQL's processes). */
export function pidsByCommand(comm) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) pids.push(Number(entry));
    } catch {
      // Exited while listing.
    }
  }
  return pids;
}

/**
 * PIDs of the PostgreSQL backends serving `database`, found by their process titles
 * ("postgres: 15/main: user database host(port) state"), so that connections opened during
 * a window are found too.
 */
export function postgresBackendsOf(database) {
  return pidsByCommand('postgres').filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `);
    } catch {
      return false;
    }
  });
}

/** When `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat). */
function startTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return null;
  }
}

function uptimeTicks() {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * CLOCK_TICKS_PER_SECOND;
}

/** `{ peakRssMb, rssMb }` of `pid` from /proc/<pid>/status, or null if it is gone. */
export function memory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { peakRssMb: round(kb('VmHWM') / 1024, 1), rssMb: round(kb('VmRSS') / 1024, 1) };
  } catch {
    return null;
  }
}

/** Whole-machine CPU counters from /proc/stat: busy and total jiffies over all cores. */
export function machineCpu() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0); // idle + iowait
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/**
 * A CPU meter over a set of named process groups: `start()` then `stop()` gives, per group,
 * CPU seconds used in between and the average share of one core (100% = one core busy).
 * Groups are `{ name, pids: () => number[], dynamic?: boolean, memory?: boolean }`; pids are
 * resolved at `start()`, and again at `stop()` for a dynamic group, whose processes started
 * during the window count from zero (processes that both started and ended inside the window
 * are not seen).
 */
export function cpuMeter(groups) {
  let started;
  return {
    start() {
      const at = Date.now();
      const ticks = uptimeTicks();
      const machine = machineCpu();
      const perGroup = groups.map((group) => {
        const pids = group.pids();
        return { group, pids, cpu: pids.map((pid) => cpuSeconds(pid) ?? 0) };
      });
      started = { at, ticks, machine, perGroup };
    },
    stop() {
      if (!started) throw new Error('cpuMeter.stop() before start()');
      const seconds = (Date.now() - started.at) / 1000;
      const machineNow = machineCpu();
      const busy = machineNow.busy - started.machine.busy;
      const total = machineNow.total - started.machine.total;
      const processes = started.perGroup.map(({ group, pids, cpu }) => {
        let used = pids.reduce((sum, pid, i) => {
          const now = cpuSeconds(pid);
          return sum + (now === null ? 0 : Math.max(0, now - cpu[i]));
        }, 0);
        if (group.dynamic) {
          for (const pid of group.pids()) {
            if (pids.includes(pid)) continue;
            const since = startTicks(pid);
            if (since !== null && since >= started.ticks) used += cpuSeconds(pid) ?? 0;
          }
        }
        const mem = group.memory === false ? null : peakMemory(pids);
        return {
          name: group.name,
          pids,
          cpuSeconds: round(used, 2),
          cpuPercent: round((used / seconds) * 100, 1),
          peakRssMb: mem,
        };
      });
      const machineBusyPercent = total > 0 ? round((busy / total) * 100, 1) : null;
      // Groups marked `overlaps` contain other groups' processes: count them once.
      const measured = processes.reduce(
        (sum, p, i) => (started.perGroup[i].group.overlaps ? sum : sum + p.cpuPercent),
        0,
      );
      const overlapping = processes.filter((_, i) => started.perGroup[i].group.overlaps);
      const extra = overlapping.reduce((sum, p) => sum + p.cpuPercent, 0);
      const named = processes.find((p) => p.name === 'postgres (bench db backends)');
      const measuredAll = measured + Math.max(0, extra - (named?.cpuPercent ?? 0));
      return {
        seconds: round(seconds, 2),
        machineBusyPercent,
        // Busy CPU not used by any measured process (100% = one core): the kernel, PostgreSQL's
        // background processes, and anything else running on the machine meanwhile.
        otherCpuPercent:
          machineBusyPercent === null
            ? null
            : round(Math.max(0, (machineBusyPercent / 100) * cpus().length * 100 - measuredAll), 1),
        processes,
      };
    },
  };
}

function peakMemory(pids) {
  const peaks = pids.map((pid) => memory(pid)?.peakRssMb).filter((v) => Number.isFinite(v));
  return peaks.length > 0
    ? round(
        peaks.reduce((a, b) => a + b, 0),
        1,
      )
    : null;
}

export function round(value, digits = 0) {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
