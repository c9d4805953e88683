"""`comptoir serve|demo|bench`: the server, the demo pharmacy, the timings."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from comptoir.cli.common import ensure_reference, err, out, state_of
from comptoir.devtools import demo
from comptoir.services.analysis.deferred_check import check_period
from comptoir.settings import Settings

app = typer.Typer()

DEMO_REFUSED = ("Refusé : les comptes de démonstration (mot de passe public) ne doivent jamais exister en "
                "production (COMPTOIR_ENVIRONMENT=production).")


def refuse_demo_in_production(settings: Settings) -> None:
    if settings.environment == "production":
        err.print(DEMO_REFUSED)
        raise typer.Exit(2)


@app.command("demo")
def demo_data(ctx: typer.Context) -> None:
    """Charge la pharmacie de démonstration, ses opérateurs et ses patients (et le référentiel s'il manque)."""
    state = state_of(ctx)
    refuse_demo_in_production(state.settings)
    ensure_reference(state)
    added = demo.load_demo_pharmacy(state.runtime, with_dispensations=True)
    if added["delivrances"]:
        with state.unit_of_work() as uow:
            check_period(date(2025, 1, 1), uow=uow, reference=state.analysis_reference())
    out.print(f"Démo : {added['operateurs']} opérateur(s), {added['patients']} patient(s), "
              f"{added['delivrances']} délivrance(s) ajoutés.")
    table = Table("Code", "Nom", "Rôle", title=f"Opérateurs de démonstration (mot de passe : {demo.DEMO_PASSWORD})")
    for code, name, role, _ in demo.DEMO_OPERATORS:
        table.add_row(code, name, role.label)
    out.print(table)


@app.command("serve")
def serve(
    ctx: typer.Context, host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    with_demo: Annotated[bool, typer.Option("--demo/--no-demo", help="Charger les données de démonstration")] = False,
    with_worker: Annotated[bool | None, typer.Option(
        "--worker/--no-worker", help="Envoyer la file d'attente (défaut : COMPTOIR_OUTBOX_WORKER, vrai)")] = None,
    certificate: Annotated[Path | None, typer.Option(
        "--certificat", help="Certificat TLS (PEM) : servir en HTTPS (défaut : COMPTOIR_TLS_CERT)")] = None,
    key: Annotated[Path | None, typer.Option(
        "--cle", help="Clé privée du certificat (PEM) (défaut : COMPTOIR_TLS_KEY)")] = None,
) -> None:
    """Lance le serveur (après avoir chargé le référentiel s'il manque) et l'envoi de la file d'attente."""
    import uvicorn

    from comptoir.web.app import create_app

    state = state_of(ctx)
    if host or port:
        # Rebuilt before the runtime exists, so the emulators' default URLs follow the port served.
        state.settings = Settings(host=host or state.settings.host, port=port or state.settings.port)
    if with_demo:
        refuse_demo_in_production(state.settings)
    tls = _tls_files(certificate or state.settings.tls_cert, key or state.settings.tls_key)
    ensure_reference(state)
    if with_demo:
        demo.load_demo_pharmacy(state.runtime, with_dispensations=False)
    with state.unit_of_work() as uow, uow:
        state.runtime.drug_index.get(uow.reference)
    settings = state.settings
    if settings.outbox_worker if with_worker is None else with_worker:
        from comptoir.services.dispensing.housekeeping import counter_chores
        from comptoir.services.senders import worker_for

        worker_for(state.runtime, chores=counter_chores(state.runtime.unit_of_work)).start(settings.outbox_poll_s)
    from comptoir.services.platform.backup import BackupScheduler

    BackupScheduler(settings).start()
    from comptoir.services.platform.audit_log import CheckpointScheduler

    runtime = state.runtime
    CheckpointScheduler(runtime.unit_of_work, runtime.audit_checkpoint_files, settings.audit_checkpoint_minutes,
                        runtime.clock).start()
    scheme = "https" if tls else "http"
    err.print(f"comptoir écoute sur {scheme}://{host or settings.host}:{port or settings.port}")
    proxies = [address.strip() for address in settings.trusted_proxies.split(",") if address.strip()]
    uvicorn.run(create_app(settings, runtime=state.runtime), host=host or settings.host,
                port=port or settings.port, log_level="info",
                ssl_certfile=tls[0] if tls else None, ssl_keyfile=tls[1] if tls else None,
                # Forwarded headers only from the proxies named: anyone else could claim any address.
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)


def _tls_files(certificate: Path | None, key: Path | None) -> tuple[str, str] | None:
    if certificate is None and key is None:
        return None
    if certificate is None or key is None:
        err.print("Le certificat TLS et sa clé vont ensemble : --certificat et --cle (ou COMPTOIR_TLS_CERT et "
                  "COMPTOIR_TLS_KEY).")
        raise typer.Exit(2)
    for path in (certificate, key):
        if not path.is_file():
            err.print(f"Fichier TLS introuvable : {path}")
            raise typer.Exit(2)
    return str(certificate), str(key)


@app.command("bench")
def bench(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False,
          quick: Annotated[bool, typer.Option("--quick", help="Tailles réduites, mêmes mesures (≈ 1 min)")] = False,
          ) -> None:
    """Mesure les chemins critiques (recherche, analyse, scan, contrôle différé, import, mémoire du serveur)."""
    from comptoir.devtools.bench import run_benchmarks

    state = state_of(ctx)
    ensure_reference(state)
    report: dict[str, Any] = run_benchmarks(state.runtime, log=lambda text: err.print(text), quick=quick)
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        out.print_json(json.dumps(report, ensure_ascii=False))
