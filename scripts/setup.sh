#!/usr/bin/env bash
# Create ./.venv with comptoir and its pinned dependencies; fetch htmx from the npm registry.
# Safe to run again: reinstalls only when pyproject.toml has changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  echo "» Création de l'environnement Python (.venv)…"
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.comptoir-installed
if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
  echo "» Installation de comptoir et de ses dépendances…"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  cp pyproject.toml "$stamp"
fi

# Front-end files from the npm registry, pinned, copied once under static/vendor (not in git):
# htmx (BSD-0) drives the pages' live updates (the pages also work without it, as plain forms);
# swagger-ui-dist (Apache-2.0) draws the API documentation at /api/docs from local files, no CDN.
vendor=src/comptoir/web/static/vendor
fetch_npm() {  # package version destination file...
  local package=$1 version=$2 destination=$3; shift 3
  [ -f "$destination/$(basename "$1")" ] && return 0
  if ! command -v npm >/dev/null; then
    echo "   npm absent : $package non installé."
    return 0
  fi
  echo "» Récupération de $package $version (registre npm)…"
  local tmp; tmp=$(mktemp -d)
  if (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null 2>&1 && tar xzf ./*.tgz); then
    mkdir -p "$destination"
    for file in "$@"; do cp "$tmp/package/$file" "$destination/"; done
  else
    echo "   $package indisponible."
  fi
  rm -rf "$tmp"
}
fetch_npm htmx.org 2.0.4 "$vendor" dist/htmx.min.js
fetch_npm swagger-ui-dist 5.35.0 "$vendor/swagger-ui" swagger-ui-bundle.js swagger-ui.css
