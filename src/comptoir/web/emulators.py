"""The national-service emulators mounted under /emulateurs, so that one server is the whole demo.

Each keeps its own database under `settings.emulators_dir`, never the pharmacy's, and accepts the demo
credentials of the settings (national/credentials.py); Pro Santé Connect knows comptoir as its OIDC client.
Not in production unless asked for (COMPTOIR_MOUNT_EMULATORS). Adding a service is one entry here;
`comptoir emulate NAME` runs the same app alone.
"""

from __future__ import annotations

from fastapi import FastAPI

from comptoir.national.credentials import demo_pharmacy, demo_prescriber
from comptoir.national.psc.storage import ClientRegistration
from comptoir.settings import Settings


def psc_registration(settings: Settings) -> ClientRegistration:
    """comptoir as the emulated PSC knows it: its client id, secret, callback and post-logout page."""
    return ClientRegistration(settings.psc_client_id, settings.psc_client_secret, (settings.psc_redirect_url,),
                              (settings.psc_post_logout_url,))


def mount_emulators(app: FastAPI, settings: Settings) -> None:
    if not settings.mount_emulators:
        return
    from comptoir.national.annuaire.emulator import create_emulator as annuaire_emulator
    from comptoir.national.asafo.emulator import create_emulator as asafo_emulator
    from comptoir.national.dmp.emulator import create_emulator as dmp_emulator
    from comptoir.national.dp.emulator import create_emulator as dp_emulator
    from comptoir.national.eprescription.emulator import create_emulator as eprescription_emulator
    from comptoir.national.ins.emulator import create_emulator as insi_emulator
    from comptoir.national.nmvs.emulator import create_emulator as nmvs_emulator
    from comptoir.national.psc.emulator import create_emulator as psc_emulator

    directory = settings.emulators_dir
    app.mount("/emulateurs/insi",
              insi_emulator(directory / "insi.db", credentials=[demo_pharmacy(settings.insi_token)]))
    app.mount("/emulateurs/ordonnance-numerique", eprescription_emulator(
        directory / "ordonnance-numerique.db",
        credentials=[demo_pharmacy(settings.eprescription_token),
                     demo_prescriber(settings.eprescription_prescriber_token)]))
    app.mount("/emulateurs/dmp", dmp_emulator(directory / "dmp.db", credentials=[demo_pharmacy(settings.dmp_token)]))
    app.mount("/emulateurs/dp", dp_emulator(directory / "dp.db", credentials=[demo_pharmacy(settings.dp_token)]))
    app.mount("/emulateurs/asafo",
              asafo_emulator(directory / "asafo.db", credentials=[demo_pharmacy(settings.asafo_token)]))
    app.mount("/emulateurs/nmvs",
              nmvs_emulator(directory / "nmvs.db", credentials=[demo_pharmacy(settings.nmvs_token)]))
    # One API key per deployment, as the ANS gives one per software: the counter and the prescriber module share it.
    app.mount("/emulateurs/annuaire", annuaire_emulator(directory / "annuaire.db",
                                                        credentials=[demo_pharmacy(settings.annuaire_token)]))
    app.mount("/emulateurs/psc", psc_emulator(directory / "psc.db", clients=[psc_registration(settings)]))
