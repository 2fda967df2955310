// `npm run start:local`: the API + scheduler and one worker, as two processes, for a single
// machine with PostgreSQL and Redis of its own. Ctrl-C (or SIGTERM) stops both gracefully; if
// either exits, so does the other (scripts/service-launcher.mjs says how signals travel).
// The environment is passed through, so the SSRF guard stays on unless the caller opts out:
// `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true npm run start:local` for receivers on this machine
// (README, "Try it"). ENVIRONMENT defaults to development here (the services default to
// production): without SECRETS_ENCRYPTION_KEY or ADMIN_API_KEY both processes then use the
// ones generated and kept in DATA_DIR (./data) and say so. A variable set in the shell wins.
// Nothing installed at all? `npm run dev` (scripts/dev.mjs) brings its own PostgreSQL.
import { createServiceLauncher } from './service-launcher.mjs';

createServiceLauncher({ tag: 'start-local' }).start({ ENVIRONMENT: 'development', ...process.env });
