#!/usr/bin/env bash
# Debian packages the tests need: what comptoir itself uses (scripts/runtime-deps.sh: Tesseract and its
# French model, poppler-utils), plus chromium (browser test) and the DejaVu and Liberation fonts (the
# synthetic prescriptions the OCR tests read). Installs only what is missing, and only where apt-get
# can run as root.
set -euo pipefail
"$(dirname "$0")/runtime-deps.sh"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf ] || missing+=(fonts-dejavu-extra)
[ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || missing+=(fonts-liberation)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "» Installation des paquets Debian : ${missing[*]}…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "   Paquets absents (${missing[*]}) : les tests qui en dépendent seront ignorés." >&2
fi
