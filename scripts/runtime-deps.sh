#!/usr/bin/env bash
# Debian packages comptoir itself uses at run time: Tesseract and its French model (OCR of paper
# prescriptions) and poppler-utils (scanned PDF prescriptions, the thesaurus PDF). Installs what is
# missing where apt-get can run as root; otherwise says what is missing and what still works.
# Quick and silent when everything is there. Never fails the caller: comptoir runs without them.
set -uo pipefail
missing=()
{ command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null; } || missing+=(poppler-utils)
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
{ command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx fra; } || missing+=(tesseract-ocr-fra)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "» Installation des paquets Debian : ${missing[*]}…"
  apt-get update -qq >/dev/null 2>&1
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
  echo "   L'installation a échoué (réseau ou dépôts Debian injoignables ?)." >&2
fi
cat >&2 <<MESSAGE
   Paquets Debian absents : ${missing[*]} (en administrateur : apt-get install ${missing[*]}).
   Sans eux, la lecture des ordonnances papier (OCR, touche F6) et l'import du thésaurus ANSM
   depuis son PDF sont indisponibles. Tout le reste fonctionne : comptoir, recherche, analyse
   d'ordonnance, référentiel embarqué, ordonnance numérique, carte Vitale, INS.
MESSAGE
exit 0
