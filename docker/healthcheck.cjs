'use strict';
// The image's HEALTHCHECK (one image, every role): the api role (and `all`) must answer 200 on /health,
// which checks Postgres and Redis; the scheduler and worker roles have no HTTP port, so for them the
// check passes and their restart policy watches the process itself.
const role = process.env.TUNEFORGE_ROLE || 'all';
if (role !== 'api' && role !== 'all') process.exit(0);
const port = process.env.PORT || '3000';
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4000) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
