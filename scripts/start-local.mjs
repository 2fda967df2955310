// `npm run start:local`: the API + scheduler and one worker, as two processes, for a
// single machine. Ctrl-C (or SIGTERM) stops both gracefully; if either exits, so does the other.
// ENVIRONMENT defaults to development here (the services default to production): without a
// SECRETS_ENCRYPTION_KEY both processes then share a generated key kept in DATA_DIR
// (./data/secrets-encryption.key) and say so. A variable set in the shell wins.
//
// The environment is passed through unchanged, so the SSRF guard stays on unless the caller
// opts out: `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true npm run start:local` for receivers on this
// machine (README, "Try it").
import { spawn } from 'node:child_process';

const env = { ENVIRONMENT: 'development', ...process.env };
const children = ['dist/main.js', 'dist/worker.js'].map((script) =>
  spawn(process.execPath, [script], { stdio: 'inherit', env }),
);
let exitCode = 0;
for (const child of children) {
  child.on('exit', (code, signal) => {
    if (code !== 0 && code !== null) exitCode = code;
    if (signal && signal !== 'SIGTERM' && signal !== 'SIGINT') exitCode = 1;
    for (const other of children) if (other.exitCode === null) other.kill('SIGTERM');
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  });
}
