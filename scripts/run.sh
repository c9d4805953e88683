#!/usr/bin/env bash
# Set everything up and run comptoir: server at http://127.0.0.1:8000 with the embedded SQLite
# database (./var), the drug reference (the packaged snapshot, loaded on first run), the demo pharmacy,
# and the Debian packages of the OCR (scripts/runtime-deps.sh: installed as root, else named).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/runtime-deps.sh
./.venv/bin/comptoir demo
exec ./.venv/bin/comptoir serve
