#!/usr/bin/env bash
# The README's first command: set up, migrate an SQLite database, load the demo data and
# serve the site at http://127.0.0.1:8000, printing the demo logins.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh

mkdir -p var
# A development secret kept beside the demo database, made once.
[ -s var/secret_key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
export DEBUG="${DEBUG:-1}"
export SECRET_KEY_FILE="${SECRET_KEY_FILE:-$PWD/var/secret_key}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$PWD/var/motcua.sqlite3}"

.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py seed_demo
echo
ADDR="${MOTCUA_ADDR:-127.0.0.1:8000}"
echo "motcua is at http://${ADDR}  (API docs: http://${ADDR}/api/v1/docs; stop with Ctrl+C)"
exec .venv/bin/python manage.py runserver "${ADDR}"
