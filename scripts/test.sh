#!/usr/bin/env bash
# The README's second command: install the development tools and run the whole test suite.
# Extra arguments go to pytest. DATABASE_URL=postgres://... runs it against PostgreSQL.
# Browser tests run when /usr/bin/chromium exists; MOTCUA_REQUIRE_BROWSER=1 makes its
# absence a failure instead of a skip (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
exec .venv/bin/python -m pytest "$@"
