"""Settings, read once by the entry points (`create_app`, the CLI callback) and passed down.

Every value comes from a `COMPTOIR_*` environment variable; a secret may instead come
from the file named by `COMPTOIR_<NAME>_FILE`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from comptoir.errors import ConfigurationError

PLACEHOLDER_SECRET = "changez-moi"
MIN_SECRET_CHARS = 32
"""A production secret seals the audit trail: at least 32 characters (e.g. `openssl rand -hex 32`)."""
PACKAGE_DIR = Path(__file__).resolve().parent


def _secret_from_file(name: str) -> str | None:
    path = os.environ.get(f"COMPTOIR_{name}_FILE")
    return Path(path).read_text(encoding="utf-8").strip() if path else None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COMPTOIR_", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    var_dir: Path = Field(default_factory=lambda: Path.cwd() / "var")
    database_url: str = ""
    refdata: Path | None = None
    """A directory holding the official BDPM and thesaurus files; first in the source order."""
    secret_key: str = PLACEHOLDER_SECRET
    previous_secret_keys: str = ""
    """Secrets used before a rotation, comma-separated: audit entries they sealed still verify."""
    audit_checkpoints: Path = Field(default_factory=lambda data: data["var_dir"] / "audit-points-de-controle.jsonl")
    """Append-only file of signed checkpoints of the audit chain, outside the database."""
    audit_checkpoints_copy: Path | None = None
    """A second place for the checkpoints (another disk, a mounted share), appended at the same time."""
    audit_checkpoint_minutes: float = 10.0
    session_hours: int = 12
    host: str = "127.0.0.1"
    port: int = 8000
    tls_cert: Path | None = None
    """Certificate (PEM) for serving HTTPS directly (`comptoir serve --certificat`); with `tls_key`."""
    tls_key: Path | None = None
    """Private key (PEM) of `tls_cert`."""
    trusted_proxies: str = ""
    """Addresses of the reverse proxies (comma-separated, e.g. 127.0.0.1) whose X-Forwarded-For and
    X-Forwarded-Proto are believed; empty: none (the client address is the socket's)."""
    workstation: str = "poste-1"
    workstations: str = "poste-1,poste-2,poste-3,poste-4"
    """The pharmacy's workstations, comma-separated: a login names one of them (or `workstation`)."""
    login_free_failures: int = 3
    """Failed logins allowed for one operator code before each new try must wait."""
    emulators_dir: Path = Field(default_factory=lambda data: data["var_dir"] / "emulateurs")
    """Where the national-service emulators keep their own databases (never the pharmacy's)."""
    insi_url: str = Field(default_factory=lambda data: f"http://{data['host']}:{data['port']}/emulateurs/insi")
    """Base URL of the INSi téléservice; by default the emulator mounted in this server."""
    insi_timeout_s: float = 8.0
    insi_retries: int = 1
    eprescription_url: str = Field(
        default_factory=lambda data: f"http://{data['host']}:{data['port']}/emulateurs/ordonnance-numerique")
    """Base URL of the ordonnance numérique base; by default the emulator mounted in this server."""
    eprescription_timeout_s: float = 5.0
    dmp_url: str = Field(default_factory=lambda data: f"http://{data['host']}:{data['port']}/emulateurs/dmp")
    """Base URL of the DMP (Mon espace santé); by default the emulator mounted in this server."""
    dmp_timeout_s: float = 10.0
    """A feed carries a whole CDA (a level-1 one embeds its PDF): a little more time than a search."""
    dp_url: str = Field(default_factory=lambda data: f"http://{data['host']}:{data['port']}/emulateurs/dp")
    """Base URL of the Dossier Pharmaceutique; by default the emulator mounted in this server."""
    dp_timeout_s: float = 1.5
    """Short: the counter consults the DP when it opens a patient, and a DP that is slow must delay nothing."""
    asafo_url: str = Field(default_factory=lambda data: f"http://{data['host']}:{data['port']}/emulateurs/asafo")
    """Base URL of ASAFO (fake-prescription alerts); by default the emulator mounted in this server."""
    asafo_timeout_s: float = 5.0
    asafo_token: str = ""
    """The pharmacy's credential for ASAFO (the titulaire's, or a CPE's with a delegation: SPEC §11.2)."""
    nmvs_url: str = Field(default_factory=lambda data: f"http://{data['host']}:{data['port']}/emulateurs/nmvs")
    """Base URL of the medicines-verification system (France MVS); by default the emulator mounted here."""
    nmvs_timeout_s: float = 2.0
    """A pack is verified while the pharmacist waits at the scan: past this, it is taken « en attente »."""
    nmvs_token: str = ""
    """The pharmacy's credential for the NMVS (its FINESS is the location of every act)."""
    annuaire_url: str = Field(default_factory=lambda data: "" if data["environment"] == "test" else
                              f"http://{data['host']}:{data['port']}/emulateurs/annuaire")
    """Base URL of the Annuaire Santé (its FHIR API is under `/fhir`); by default the emulator mounted in this server.
    Empty: the counter does not check prescribers (the default of the test environment, so that a test of another
    area sees no Annuaire finding; the Annuaire's own tests name one)."""
    annuaire_timeout_s: float = 2.0
    """Short: the counter waits for the Annuaire while it shows the basket; a slow one says "non vérifié"."""
    annuaire_cache_s: float = 300.0
    """How long the counter keeps an Annuaire answer in memory (a failure: a tenth of it)."""
    psc_url: str = Field(default_factory=lambda data: f"http://{data['host']}:{data['port']}/emulateurs/psc")
    """Pro Santé Connect's issuer (its discovery is `<url>/.well-known/openid-configuration`); by default the
    emulator mounted in this server. Production: https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet."""
    psc_client_id: str = "comptoir"
    psc_client_secret: str = ""
    """comptoir's client secret at PSC (`COMPTOIR_PSC_CLIENT_SECRET_FILE` works too); the demo's is derived."""
    psc_redirect_url: str = Field(default_factory=lambda data: f"http://{data['host']}:{data['port']}/psc/retour")
    """Where PSC sends the browser back (registered at PSC); the login page after a PSC logout is beside it."""
    mount_emulators: bool | None = None
    """Serve the INSi and ON base emulators under /emulateurs; default: yes in development and test, no in
    production (there it takes COMPTOIR_MOUNT_EMULATORS=true)."""
    insi_token: str = ""
    """The pharmacy's credential for the INSi (bearer token; `COMPTOIR_INSI_TOKEN_FILE` works too)."""
    eprescription_token: str = ""
    """The pharmacy's credential for the ON base, used by the counter and the outbox worker."""
    eprescription_prescriber_token: str = ""
    """The prescriber module's credential for the ON base (the demo prescriber's until Pro Santé Connect)."""
    dmp_token: str = ""
    annuaire_token: str = ""
    """The pharmacy's API key for the Annuaire Santé (sent as `ESANTE-API-KEY`; `COMPTOIR_ANNUAIRE_TOKEN_FILE` too)."""
    """The pharmacy's credential for the DMP, used by the outbox worker that feeds it and by the counter's reads."""
    dp_token: str = ""
    """The pharmacy's credential for the DP, used by the counter and the outbox worker."""
    outbox_worker: bool = True
    """`comptoir serve` sends the outbox itself; false when `comptoir worker` runs apart."""
    outbox_poll_s: float = 1.0
    outbox_lease_s: float = 60.0
    """How long a claimed message stays with its worker; a worker killed mid-send frees it after that."""
    outbox_max_attempts: int = 8
    """Tries of a message whose sending fails unexpectedly (not a service down) before it waits for a pharmacist."""
    max_body_mb: int = 25
    """Largest request body accepted (a scanned prescription is a few MB); refused before it is read."""
    backup_dir: Path = Field(default_factory=lambda data: data["var_dir"] / "sauvegardes")
    backup_every_h: float = 24.0
    """`comptoir serve` takes a backup this often (0: never; `comptoir backup` still works)."""
    backup_keep: int = 14
    """How many scheduled backups are kept; the oldest are deleted."""
    document_prompts: int = 3
    ocr_jobs: int = Field(default=2, ge=1, le=32)
    """Paper prescriptions read (OCR) at once by this process; each takes a core and a few hundred MB."""
    ocr_wait_s: float = Field(default=5.0, ge=0, le=60)
    """How long a reading waits for a free slot before the counter is told to retry (503)."""
    """After "aucune pièce présentée", how many next visits ask again for an identity document."""

    @model_validator(mode="after")
    def _derive(self) -> Settings:
        self.secret_key = _secret_from_file("SECRET_KEY") or self.secret_key
        if self.environment == "production":
            _require_production_secret(self.secret_key)
        self._derive_credentials()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.var_dir / 'comptoir.db'}"
        return self

    def _derive_credentials(self) -> None:
        if self.mount_emulators is None:
            self.mount_emulators = self.environment != "production"
        for name in ("insi_token", "eprescription_token", "eprescription_prescriber_token", "dp_token", "dmp_token",
                     "asafo_token", "nmvs_token", "annuaire_token", "psc_client_secret"):
            value = _secret_from_file(name.upper()) or getattr(self, name)
            # Outside production, or with the emulators served here, a missing token is the demo's: derived
            # from the secret key, so every process of one deployment agrees without storing it anywhere.
            if not value and (self.environment != "production" or self.mount_emulators):
                value = demo_token(self.secret_key, name)
            setattr(self, name, value)

    @property
    def psc_post_logout_url(self) -> str:
        """Where PSC sends the browser after ending its session: comptoir's login page, beside the callback."""
        return self.psc_redirect_url.rsplit("/psc/", 1)[0] + "/connexion"

    @property
    def known_workstations(self) -> list[str]:
        """The configured workstations, then the default one if it is not among them."""
        names = [name.strip() for name in self.workstations.split(",") if name.strip()]
        return names + ([self.workstation] if self.workstation not in names else [])

    @property
    def audit_keys(self) -> list[str]:
        """The current secret first, then the previous ones."""
        return [self.secret_key, *(k.strip() for k in self.previous_secret_keys.split(",") if k.strip())]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _require_production_secret(secret: str) -> None:
    if secret == PLACEHOLDER_SECRET:
        raise ConfigurationError("COMPTOIR_SECRET_KEY doit être défini en production (la valeur par défaut est "
                                 "refusée).")
    if len(secret) < MIN_SECRET_CHARS:
        raise ConfigurationError(f"COMPTOIR_SECRET_KEY est trop court : {MIN_SECRET_CHARS} caractères au moins en "
                                 "production (par exemple : openssl rand -hex 32).")


def demo_token(secret_key: str, name: str) -> str:
    """The demo credential `name` of a deployment: not guessable without its secret key."""
    return "demo-" + hmac.new(secret_key.encode("utf-8"), name.encode("utf-8"), hashlib.sha256).hexdigest()[:40]
