#!/usr/bin/env bash
# Run the whole test suite: lint (ruff), types (mypy), layers (import-linter), migrations, pytest
# on SQLite and PostgreSQL, and the browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/system-deps.sh

# The whole suite, PostgreSQL included: a developer's opt-out (COMPTOIR_TEST_POSTGRES=off) does not apply here.
if [ "${COMPTOIR_TEST_POSTGRES:-}" = off ]; then
  echo "   COMPTOIR_TEST_POSTGRES=off ignoré : la suite complète passe aussi sur PostgreSQL." >&2
fi
unset COMPTOIR_TEST_POSTGRES
export COMPTOIR_TEST_POSTGRES_URL=${COMPTOIR_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}
./scripts/postgres.sh

echo "» ruff"; .venv/bin/ruff check src tests bench
echo "» mypy"; .venv/bin/mypy
echo "» import-linter"; .venv/bin/lint-imports
echo "» alembic check"
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
COMPTOIR_DATABASE_URL="sqlite:///$scratch/check.db" .venv/bin/alembic -c alembic.ini upgrade head >/dev/null
COMPTOIR_DATABASE_URL="sqlite:///$scratch/check.db" .venv/bin/alembic -c alembic.ini check
echo "» pytest"
.venv/bin/pytest "$@"
