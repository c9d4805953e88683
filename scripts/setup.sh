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

# htmx (BSD-0) drives the pages' live updates; the pages also work without it (plain forms).
HTMX_VERSION=2.0.4
vendor=src/comptoir/web/static/vendor
if [ ! -f "$vendor/htmx.min.js" ]; then
  if command -v npm >/dev/null; then
    echo "» Récupération de htmx $HTMX_VERSION (registre npm)…"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "htmx.org@$HTMX_VERSION" >/dev/null 2>&1 && tar xzf htmx.org-*.tgz) \
      && mkdir -p "$vendor" && cp "$tmp/package/dist/htmx.min.js" "$vendor/" \
      || echo "   htmx indisponible : les pages fonctionneront sans mise à jour en direct."
    rm -rf "$tmp"
  else
    echo "   npm absent : les pages fonctionneront sans htmx (formulaires classiques)."
  fi
fi
