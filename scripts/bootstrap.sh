#!/usr/bin/env bash
# Create .venv with Python 3.11 and install motcua into it (with "dev" extras if asked).
# Idempotent and quick when nothing changed: the install is skipped while pyproject.toml
# has the same hash as at the last successful install.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

pick_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)'; then
      echo "$candidate"; return 0
    fi
  done
  echo "motcua needs Python 3.11 (python3.11 or python3 on PATH)" >&2
  exit 1
}

# The printed forms embed DejaVu Serif from Debian's fonts-dejavu-core (MOTCUA_PDF_FONT_DIR).
font_dir="${MOTCUA_PDF_FONT_DIR:-/usr/share/fonts/truetype/dejavu}"
if [ ! -f "$font_dir/DejaVuSerif.ttf" ] || [ ! -f "$font_dir/DejaVuSerif-Bold.ttf" ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing fonts-dejavu-core (the font of the printed forms) ..."
    # not fatal: everything but printing works without it, and the warning below says so
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-dejavu-core ||
      true
  fi
  if [ ! -f "$font_dir/DejaVuSerif.ttf" ] || [ ! -f "$font_dir/DejaVuSerif-Bold.ttf" ]; then
    echo "warning: no DejaVuSerif.ttf and DejaVuSerif-Bold.ttf in $font_dir: printed forms" \
      "will fail; install fonts-dejavu-core or set MOTCUA_PDF_FONT_DIR" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$(pick_python)" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi

stamp=".venv/.motcua-installed${extras:+-$extras}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing motcua${extras:+ [$extras]} into .venv ..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
  echo "$want" > "$stamp"
fi
