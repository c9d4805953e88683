"""`comptoir emulate insi|eprescription|dp|dmp|asafo|nmvs|annuaire|psc --port N`: a national-service emulator on
its own, with its own database.

Each one accepts the credentials of the demo pharmacy (and, for the ON base, of the demo prescriber): the tokens
of the settings (`COMPTOIR_INSI_TOKEN`, `COMPTOIR_EPRESCRIPTION_TOKEN`, `COMPTOIR_EPRESCRIPTION_PRESCRIBER_TOKEN`,
`COMPTOIR_DP_TOKEN`, `COMPTOIR_DMP_TOKEN`, `COMPTOIR_ASAFO_TOKEN`, `COMPTOIR_NMVS_TOKEN`, `COMPTOIR_ANNUAIRE_TOKEN`
— the Annuaire's API key —, or their `_FILE`), by default the deployment's demo tokens, derived from its secret
key, so a `comptoir serve` of the same deployment pointed at it (`COMPTOIR_INSI_URL`…) presents them without more
ado. It prints them; the DMP also opens Mon espace santé for a demo patient, with a token of the run.
"""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from comptoir.cli.common import err, state_of
from comptoir.national.credentials import Credential, demo_pharmacy, demo_prescriber

emulate_app = typer.Typer(help="Émulateurs des services nationaux (chacun avec sa propre base).",
                          no_args_is_help=True)


def _token(configured: str) -> str:
    # In production without a configured token the settings derive none: this run gets a fresh one.
    return configured or secrets.token_urlsafe(24)


def _announce(credentials: list[tuple[str, Credential]]) -> None:
    err.print("Identifiants acceptés (en-tête « Authorization: Bearer <jeton> ») :")
    for variable, c in credentials:
        err.print(f"  {c.profession.value} RPPS {c.rpps}, structure {c.structure} : {variable}={c.token}",
                  soft_wrap=True, highlight=False)


@emulate_app.command("insi")
def emulate_insi(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8101,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur du téléservice INSi (identités de test, scénarios panne et lenteur)."""
    import uvicorn

    from comptoir.national.ins.emulator import create_emulator

    settings = state_of(ctx).settings
    database = settings.emulators_dir / "insi.db"
    credentials = [("COMPTOIR_INSI_TOKEN", demo_pharmacy(_token(settings.insi_token)))]
    err.print(f"Émulateur INSi sur http://{host}:{port} (base : {database})")
    _announce(credentials)
    uvicorn.run(create_emulator(database, credentials=[c for _, c in credentials]), host=host, port=port,
                log_level="info")


@emulate_app.command("eprescription")
def emulate_eprescription(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8102,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur de la base ordonnance numérique (scénarios : patient PANNE, LENTEUR)."""
    import uvicorn

    from comptoir.national.eprescription.emulator import create_emulator

    settings = state_of(ctx).settings
    database = settings.emulators_dir / "ordonnance-numerique.db"
    credentials = [("COMPTOIR_EPRESCRIPTION_TOKEN", demo_pharmacy(_token(settings.eprescription_token))),
                   ("COMPTOIR_EPRESCRIPTION_PRESCRIBER_TOKEN",
                    demo_prescriber(_token(settings.eprescription_prescriber_token)))]
    err.print(f"Émulateur de la base ordonnance numérique sur http://{host}:{port} (base : {database})")
    _announce(credentials)
    uvicorn.run(create_emulator(database, credentials=[c for _, c in credentials]), host=host, port=port,
                log_level="info")


@emulate_app.command("dmp")
def emulate_dmp(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8104,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur du DMP (Mon espace santé) : alimentation, recherche, consultation, côté patient."""
    import uvicorn

    from comptoir.national.dmp.emulator import DEMO_PATIENT_INS, create_emulator
    from comptoir.national.dmp.storage import PatientCredential

    settings = state_of(ctx).settings
    database = settings.emulators_dir / "dmp.db"
    credentials = [("COMPTOIR_DMP_TOKEN", demo_pharmacy(_token(settings.dmp_token)))]
    patient = PatientCredential(secrets.token_urlsafe(24), DEMO_PATIENT_INS)
    err.print(f"Émulateur du DMP sur http://{host}:{port} (base : {database})")
    _announce(credentials)
    err.print(f"  Mon espace santé du patient de démonstration (INS {patient.ins}), /espace-sante : "
              f"Bearer {patient.token}", soft_wrap=True, highlight=False)
    uvicorn.run(create_emulator(database, credentials=[c for _, c in credentials], patients=[patient]), host=host,
                port=port, log_level="info")


@emulate_app.command("dp")
def emulate_dp(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8103,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur du Dossier Pharmaceutique (scénarios : NIR de panne et de lenteur)."""
    import uvicorn

    from comptoir.national.dp.emulator import create_emulator

    settings = state_of(ctx).settings
    database = settings.emulators_dir / "dp.db"
    credentials = [("COMPTOIR_DP_TOKEN", demo_pharmacy(_token(settings.dp_token)))]
    err.print(f"Émulateur du Dossier Pharmaceutique sur http://{host}:{port} (base : {database})")
    _announce(credentials)
    uvicorn.run(create_emulator(database, credentials=[c for _, c in credentials]), host=host, port=port,
                log_level="info")


@emulate_app.command("asafo")
def emulate_asafo(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8105,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur ASAFO (fausses ordonnances confirmées, signalements ; scénario « panne »)."""
    import uvicorn

    from comptoir.national.asafo.emulator import create_emulator

    settings = state_of(ctx).settings
    database = settings.emulators_dir / "asafo.db"
    credentials = [("COMPTOIR_ASAFO_TOKEN", demo_pharmacy(_token(settings.asafo_token)))]
    cpam_token = secrets.token_urlsafe(24)
    err.print(f"Émulateur ASAFO sur http://{host}:{port} (base : {database})")
    _announce(credentials)
    err.print(f"  CPAM (instruction des signalements, POST /instruction/signalements/ID) : jeton {cpam_token}",
              soft_wrap=True, highlight=False)
    uvicorn.run(create_emulator(database, credentials=[c for _, c in credentials], cpam_token=cpam_token), host=host,
                port=port, log_level="info")


@emulate_app.command("nmvs")
def emulate_nmvs(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8106,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur du système de vérification des médicaments (boîtes de démonstration ; scénarios : numéro
    de série PANNE…, LENTEUR…)."""
    import uvicorn

    from comptoir.national.nmvs.emulator import create_emulator

    settings = state_of(ctx).settings
    database = settings.emulators_dir / "nmvs.db"
    credentials = [("COMPTOIR_NMVS_TOKEN", demo_pharmacy(_token(settings.nmvs_token)))]
    err.print(f"Émulateur NMVS sur http://{host}:{port} (base : {database})")
    _announce(credentials)
    uvicorn.run(create_emulator(database, credentials=[c for _, c in credentials]), host=host, port=port,
                log_level="info")


@emulate_app.command("annuaire")
def emulate_annuaire(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8107,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur de l'Annuaire Santé (API FHIR : Practitioner, PractitionerRole, Organization)."""
    import uvicorn

    from comptoir.national.annuaire.emulator import create_emulator

    settings = state_of(ctx).settings
    database = settings.emulators_dir / "annuaire.db"
    key = _token(settings.annuaire_token)
    err.print(f"Émulateur de l'Annuaire Santé sur http://{host}:{port}/fhir (base : {database})")
    err.print(f"Clé d'API acceptée (en-tête « ESANTE-API-KEY ») : COMPTOIR_ANNUAIRE_TOKEN={key}", soft_wrap=True,
              highlight=False)
    uvicorn.run(create_emulator(database, credentials=[demo_pharmacy(key)]), host=host, port=port, log_level="info")
@emulate_app.command("psc")
def emulate_psc(
    ctx: typer.Context, port: Annotated[int, typer.Option(min=1, max=65535, help="Port d'écoute")] = 8108,
    host: Annotated[str, typer.Option(help="Adresse d'écoute")] = "127.0.0.1",
) -> None:
    """Lance l'émulateur de Pro Santé Connect (OpenID Connect : carte CPS ou e-CPS, PIN de test 1234)."""
    import uvicorn

    from comptoir.national.psc.emulator import create_emulator
    from comptoir.national.psc.storage import ClientRegistration

    settings = state_of(ctx).settings
    database = settings.emulators_dir / "psc.db"
    client = ClientRegistration(settings.psc_client_id, _token(settings.psc_client_secret),
                                (settings.psc_redirect_url,), (settings.psc_post_logout_url,))
    err.print(f"Émulateur de Pro Santé Connect sur http://{host}:{port} (base : {database})")
    err.print(f"  Client accepté : COMPTOIR_PSC_CLIENT_ID={client.client_id} "
              f"COMPTOIR_PSC_CLIENT_SECRET={client.secret}, retour {client.redirect_uris[0]} ; pour comptoir : COMPTOIR_PSC_URL=http://{host}:{port}",
              soft_wrap=True, highlight=False)
    uvicorn.run(create_emulator(database, clients=[client]), host=host, port=port, log_level="info")
