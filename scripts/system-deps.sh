#!/usr/bin/env bash
# Debian packages the tests need: chromium (browser test), poppler-utils (thesaurus PDF).
# Installs only what is missing, and only where apt-get can run as root.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "» Installation des paquets Debian : ${missing[*]}…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "   Paquets absents (${missing[*]}) : les tests qui en dépendent seront ignorés." >&2
fi
