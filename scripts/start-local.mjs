// `npm run start:local`: the API + scheduler and one worker, as two processes, for a
// single machine. Ctrl-C (or SIGTERM) stops both gracefully; if either exits, so does the other.
// The environment is passed through, so the SSRF guard stays on unless the caller opts out:
// `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true npm run start:local` for receivers on this machine
// (README, "Try it"). ENVIRONMENT defaults to development here (the services default to
// production): without SECRETS_ENCRYPTION_KEY or ADMIN_API_KEY both processes then use the
// ones generated and kept in DATA_DIR (./data) and say so. A variable set in the shell wins.
//
// Signals. A terminal's Ctrl-C sends SIGINT to every process of its foreground process group.
// Children sharing our group would get it from the terminal and then our forwarded SIGTERM
// as a second signal, which a service takes as "force" (exit 130, in-flight webhooks
// abandoned: redelivered a lease later, or FAILED if AT_MOST_ONCE). So each child leads a
// process group of its own (`detached`) and hears only from us: exactly one SIGTERM, the
// production shutdown. Being outside the terminal's group they would also miss its hangup,
// so SIGHUP is forwarded the same way. A second Ctrl-C forwards a second SIGTERM, which the
// services take as "exit now".
import { spawn } from 'node:child_process';

// `npm run` forwards the SIGINT it got from the terminal to its child, which is us when the
// script shell execs the command (bash does): one Ctrl-C can then arrive twice, milliseconds
// apart (often the kernel merges the two; not always on a busy machine). A repeat within this
// window is that echo, not a second Ctrl-C (a person pressing twice takes longer).
const SAME_INTERRUPT_MS = 1000;

// A reader that went away (`npm run start:local | tee log` after Ctrl-C killed tee) makes our
// writes fail with EPIPE; that must not crash us before the children, in groups of their own
// and out of reach of the terminal, have been stopped.
process.stdout.on('error', () => undefined);

const services = [
  { name: 'API + scheduler', script: 'dist/main.js' },
  { name: 'worker', script: 'dist/worker.js' },
].map((service) => ({
  ...service,
  child: spawn(process.execPath, [service.script], {
    // stdin is not ours to share: a process outside the terminal's group cannot read it.
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ENVIRONMENT: 'development', ...process.env },
    detached: true,
  }),
}));
const running = () => services.filter(({ child }) => child.exitCode === null && !child.signalCode);
process.stdout.write(
  `start-local: ${services.map(({ name, child }) => `${name} (pid ${child.pid})`).join(', ')}; Ctrl-C stops both\n`,
);

let exitCode = 0;
let stopRequestedAt; // Date.now() of the first stop: a signal, or a child that exited
for (const { name, child } of services) {
  child.on('exit', (code, signal) => {
    process.stdout.write(`start-local: ${name} exited (${signal ?? `code ${code}`})\n`);
    if (code !== 0 && code !== null) exitCode = code;
    // Killed by our own SIGTERM is a stop we asked for (a child still booting has no handler).
    if (signal && signal !== 'SIGTERM') exitCode = 1;
    if (stopRequestedAt === undefined) stop();
    if (running().length === 0) process.exit(exitCode);
  });
}

function stop() {
  stopRequestedAt = Date.now();
  for (const { child } of running()) child.kill('SIGTERM');
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (stopRequestedAt === undefined) {
      process.stdout.write(`start-local: ${signal}: stopping gracefully (again to force)\n`);
      stop();
    } else if (Date.now() - stopRequestedAt >= SAME_INTERRUPT_MS) {
      process.stdout.write(`start-local: ${signal} again: forcing\n`);
      for (const { child } of running()) child.kill('SIGTERM');
    }
  });
}
