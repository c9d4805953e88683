#!/usr/bin/env bash
# Set everything up and run comptoir: server at http://127.0.0.1:8000 with the embedded SQLite
# database (./var), the drug reference (loaded on first run) and the demo pharmacy.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./.venv/bin/comptoir demo
exec ./.venv/bin/comptoir serve
