#!/usr/bin/env bash
# Debian packages the tests need: chromium (browser test), poppler-utils (thesaurus PDF, scanned prescriptions),
# Tesseract with its French model and the DejaVu and Liberation fonts (OCR of paper prescriptions, test pages).
# Installs only what is missing, and only where apt-get can run as root.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx fra; } || missing+=(tesseract-ocr-fra)
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
