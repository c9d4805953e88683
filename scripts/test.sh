#!/usr/bin/env bash
# Run the whole test suite: lint (ruff), types (mypy), layers (import-linter), migrations, pytest
# on SQLite and PostgreSQL, and the browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/system-deps.sh

export COMPTOIR_TEST_POSTGRES_URL=${COMPTOIR_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && command -v pg_ctlcluster >/dev/null; then
  echo "» Démarrage de PostgreSQL…"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi

echo "» ruff"; .venv/bin/ruff check src tests bench
echo "» mypy"; .venv/bin/mypy
echo "» import-linter"; .venv/bin/lint-imports
echo "» alembic check"
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
COMPTOIR_DATABASE_URL="sqlite:///$scratch/check.db" .venv/bin/alembic -c alembic.ini upgrade head >/dev/null
COMPTOIR_DATABASE_URL="sqlite:///$scratch/check.db" .venv/bin/alembic -c alembic.ini check
echo "» pytest"
.venv/bin/pytest "$@"
