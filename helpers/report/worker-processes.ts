import { readdirSync, readFileSync } from 'node:fs';
import { uptime } from 'node:os';

/** A process as /proc shows it: enough to tell a busy worker from one waiting, and on what. */
export interface ProcessFact {
  pid: number;
  ppid: number;
  /** R running, S sleeping, D in the kernel uninterruptibly, Z zombie, T stopped. */
  state: string;
  /** The kernel function a sleeping process waits in (ep_poll: its event loop, waiting for input). */
  wchan: string;
  ageS: number;
  command: string;
}

// Clock ticks per second of /proc/<pid>/stat's times; 100 on every Linux
// architecture this runs on (getconf CLK_TCK).
const CLK_TCK = 100;

/** Fields of /proc/<pid>/stat; the command name is in parentheses and may hold spaces and parentheses itself. */
export function parseProcStat(text: string): { pid: number; ppid: number; state: string; startTicks: number } {
  const close = text.lastIndexOf(')');
  const pid = Number(text.slice(0, text.indexOf(' ')));
  // After ") ": state (field 3), ppid (4), … starttime (22).
  const rest = text.slice(close + 2).trim().split(' ');
  const ppid = Number(rest[1]);
  const startTicks = Number(rest[19]);
  if (close < 0 || !Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isFinite(startTicks) || rest[0] === undefined) {
    throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  }
  return { pid, ppid, state: rest[0], startTicks };
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

/** Every process below `root` (its children, theirs, …), parents first. */
export function descendants(root: number): ProcessFact[] {
  // Every process's stat gives the tree; only the run's own are read further.
  const children = new Map<number, Array<ReturnType<typeof parseProcStat>>>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (stat === undefined) continue;
    const s = parseProcStat(stat);
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  }
  const now = uptime();
  const out: ProcessFact[] = [];
  const visit = (pid: number): void => {
    for (const s of children.get(pid) ?? []) {
      const command = (read(`/proc/${s.pid}/cmdline`) ?? '').split('\0').filter((a) => a !== '').join(' ');
      const wchan = (read(`/proc/${s.pid}/wchan`) ?? '').trim() || '-';
      out.push({ pid: s.pid, ppid: s.ppid, state: s.state, wchan, ageS: Math.round(now - s.startTicks / CLK_TCK), command });
      visit(s.pid);
    }
  };
  visit(root);
  return out;
}

/** vitest's forked workers among them (a stopped one makes vitest report its file and go on). */
export function isForkWorker(p: ProcessFact): boolean {
  return /\/vitest\/dist\/workers\/forks\.js(\s|$)/.test(p.command);
}

/** One line per process, for the stall message. */
export function describeProcess(p: ProcessFact): string {
  // The head names the program, the tail what it runs (a worker's entry point, a script).
  const command = p.command.length > 160 ? `${p.command.slice(0, 60)} ... ${p.command.slice(-95)}` : p.command;
  return `pid ${p.pid} (parent ${p.ppid}) state ${p.state}, waiting in ${p.wchan}, ${p.ageS}s old: ${command}`;
}
