#!/usr/bin/env bash
# The PostgreSQL server the tests use: postgresql://postgres@127.0.0.1:5432/test, trust authentication.
# Starts the local Debian cluster when it is down; on a fresh Debian machine (root, apt-get) also installs the
# postgresql package, lets user postgres in from 127.0.0.1 without a password and creates the `test` database.
# Each step only when it is missing, so it is safe to run again. Exits non-zero, saying why, when the server
# still cannot be reached: the PostgreSQL tests must fail, never be skipped.
# A COMPTOIR_TEST_POSTGRES_URL naming another server is left to whoever runs that server.
set -euo pipefail

DEFAULT_URL=postgresql://postgres@127.0.0.1:5432/test
TRUST="host all postgres 127.0.0.1/32 trust"
[ "${COMPTOIR_TEST_POSTGRES_URL:-$DEFAULT_URL}" = "$DEFAULT_URL" ] || exit 0

fail() { echo "   PostgreSQL : $*" >&2; exit 1; }
as_root() { [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; }
answers() { pg_isready -q -h 127.0.0.1 -p 5432; }
sql() { psql -h 127.0.0.1 -p 5432 -U postgres -w -d postgres -Atc "$1"; }

install() {
  command -v pg_ctlcluster >/dev/null && command -v psql >/dev/null && return
  as_root || fail "absent ; installez le paquet Debian postgresql (apt-get install postgresql)."
  echo "» Installation de PostgreSQL (paquet Debian postgresql)…"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# The first cluster on port 5432 as "version name"; creates "main" when the package made none.
cluster() {
  local found
  found=$(pg_lsclusters -h 2>/dev/null | awk '$3 == 5432 { print $1, $2; exit }')
  if [ -z "$found" ]; then
    local version
    version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
    as_root || fail "aucun cluster sur le port 5432 ; créez-en un (pg_createcluster $version main --port 5432)."
    pg_createcluster "$version" main --port 5432 >/dev/null
    found="$version main"
  fi
  echo "$found"
}

start() {
  answers && return
  local where version name
  where=$(cluster)
  read -r version name <<<"$where"
  echo "» Démarrage de PostgreSQL ($version/$name)…"
  pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start \
    || fail "le démarrage a échoué ; voir /var/log/postgresql/postgresql-$version-$name.log"
  answers || fail "démarré, mais ne répond pas sur 127.0.0.1:5432."
}

# First matching line wins in pg_hba.conf, so ours goes first.
allow_trust() {
  sql "select 1" >/dev/null 2>&1 && return
  local where version name hba
  where=$(cluster)
  read -r version name <<<"$where"
  hba=/etc/postgresql/$version/$name/pg_hba.conf
  as_root && [ -f "$hba" ] || fail "l'utilisateur postgres doit pouvoir se connecter sans mot de passe depuis 127.0.0.1."
  if ! grep -qx "$TRUST" "$hba"; then
    echo "» PostgreSQL : accès sans mot de passe pour postgres depuis 127.0.0.1 (tests)…"
    sed -i "1i # comptoir tests: user postgres from 127.0.0.1 without a password\\n$TRUST" "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$version" "$name" reload
  fi
  sql "select 1" >/dev/null || fail "connexion refusée pour postgres@127.0.0.1 malgré $hba."
}

create_test_database() {
  [ "$(sql "select 1 from pg_database where datname = 'test'")" = 1 ] && return
  echo "» PostgreSQL : création de la base test…"
  sql "create database test" >/dev/null
}

install
start
allow_trust
create_test_database
