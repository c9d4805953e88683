"""What the pages say for the codes the program keeps: one table per kind of code, in French.

The codes stay in the database, the JSON API and the CLI (their contracts); only the pages read these
tables, through the `label` filter (`{{ msg.kind | label("outbox_kind") }}`). The labels of a code that
its own domain module already names (identity statuses, ON statuses, interaction levels...) come from
there. tests/integration/web/test_pages_in_french.py fails if a code of these tables, or a field name
of `FIELDS`, shows on a page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from comptoir.analysis.findings import LEVEL_LABELS
from comptoir.domain.eprescription.prescription import SUBSTITUTION_CODES, Status
from comptoir.domain.identity.status import COLLECTION_LABELS, STATUS_LABELS
from comptoir.services.dmp.sharing import DOCUMENT, SUPPRESSION
from comptoir.services.eprescription.messages import BILLING, EXECUTION
from comptoir.services.identity.identitovigilance import DISMISSED, MERGED, PENDING
from comptoir.services.platform import outbox

LEVELS = {level.name: label for level, label in LEVEL_LABELS.items()}
"""Interaction and alert levels of the ANSM thesaurus: CI, ASDEC, PE, APEC."""
FINDING_KINDS = {"unidentified": "Ligne non identifiée", "interaction": "Interaction",
                 "contraindication": "Contre-indication", "allergy": "Allergie",
                 "redundancy": "Redondance", "dose": "Dose", "quantity": "Quantité", "fraud": "Fraude",
                 "cost": "Coût"}
ON_STATUSES = {status.value: status.label for status in Status}
SUBSTITUTIONS = {"G": "générique", **{code: label for code, label in SUBSTITUTION_CODES.items() if code != "G"}}
IDENTITY_STATUSES = {status.value: label for status, label in STATUS_LABELS.items()}
COLLECTION_METHODS = {method.value: label for method, label in COLLECTION_LABELS.items()}
OUTBOX_KINDS = {EXECUTION: "Ordonnance numérique : exécution",
                BILLING: "Ordonnance numérique : complément de facturation",
                DOCUMENT: "DMP : document", SUPPRESSION: "DMP : suppression d'un document",
                "asafo.signalement": "ASAFO : signalement de fausse ordonnance",
                "on.annulation": "Ordonnance numérique : annulation d'une exécution",
                "dp.ouverture": "DP : ouverture", "dp.lignes": "DP : lignes délivrées",
                "dp.annulation": "DP : annulation d'une délivrance", "dp.fermeture": "DP : fermeture",
                "dp.refus_alimentation": "DP : refus d'alimentation",
                "dp.refus_consultation": "DP : refus de consultation",
                "nmvs.decommission": "NMVS : désactivation d'une boîte", "nmvs.undo": "NMVS : réactivation d'une boîte"}
OUTBOX_STATUSES = dict(outbox.STATUS_LABELS)
CHECK_STATUSES = {"a_revoir": "À revoir", "a_controler": "À contrôler", "controlee": "Contrôlée"}
"""The deferred double check's queues (services/analysis/deferred_check.py)."""
CHECK_QUEUES = {"a_revoir": "À revoir", "a_controler": "À contrôler", "controlee": "Contrôlées"}
"""The same queues as the tabs of the check page name them."""
REVIEW_STATES = {PENDING: "à revoir", DISMISSED: "écartée (deux personnes)", MERGED: "fusionnée"}
AUDIT_ACTIONS = {"read": "lecture", "write": "écriture", "create": "création", "confirm": "confirmation",
                 "deactivate": "désactivation", "refuse": "refus"}
AUDIT_OBJECTS = {
    "asafo_alert": "alertes ASAFO", "asafo_declaration": "signalements ASAFO",
    "analysis": "analyse d'ordonnance", "analysis_decision": "décision pharmaceutique", "audit_log": "journal d'audit",
    "audit_checkpoint": "point de contrôle du journal", "check_queue": "file du contrôle différé",
    "consent": "consentement", "dispensation": "délivrance", "eprescription": "ordonnance numérique",
    "eprescription_execution": "exécution d'ordonnance numérique", "identitovigilance": "identitovigilance",
    "operator": "compte opérateur", "operator_session": "session", "session": "session", "login": "connexion",
    "backup": "sauvegarde", "restore": "restauration", "reference": "référentiel", "refdata": "référentiel",
    "outbox": "envois", "patient": "dossier patient", "patient_list": "liste de patients",
    "patient_search": "recherche de patients", "prescription_reading": "lecture d'ordonnance papier",
    "dmp": "DMP du patient", "dmp_document": "document pour le DMP",
}
FIELDS = {
    "today": "Date", "birth_date": "Naissance", "sex": "Sexe", "pregnant": "Enceinte",
    "pregnancy_weeks": "Semaines d'aménorrhée", "breastfeeding": "Allaitement", "weight_kg": "Poids (kg)",
    "egfr": "DFG (ml/min)", "allergies": "Allergies", "history": "Historique", "history.date": "Historique (date)",
    "history.duration_days": "Historique (durée)", "history_window_days": "Période d'historique",
    "birth_name": "Nom de naissance", "birth_given_names": "Prénoms de naissance", "last_name": "Nom",
    "first_name": "Prénom", "identity_status": "Statut de l'identité", "collection_method": "Mode de recueil",
}
"""Names of the fields the program reads, as the forms call them."""

TABLES: dict[str, Mapping[str, str]] = {
    "level": LEVELS, "finding_kind": FINDING_KINDS, "on_status": ON_STATUSES, "substitution": SUBSTITUTIONS,
    "identity_status": IDENTITY_STATUSES, "collection_method": COLLECTION_METHODS, "outbox_kind": OUTBOX_KINDS,
    "outbox_status": OUTBOX_STATUSES, "check_status": CHECK_STATUSES, "review_state": REVIEW_STATES,
    "audit_action": AUDIT_ACTIONS, "audit_object": AUDIT_OBJECTS, "field": FIELDS,
}


def label(code: object, table: str) -> str:
    """The French label of `code` in `table`; a code the table does not know is shown as it is."""
    return TABLES[table].get(str(code), str(code)) if code is not None else "—"


_DETAIL_CODES = {code: said[0].lower() + said[1:] for code, said in {
    **LEVELS, **ON_STATUSES, **OUTBOX_KINDS, **CHECK_STATUSES, **FINDING_KINDS,
    "on_consultation_prescripteur": "consentement", "detection": "détection"}.items()}
_DETAIL_TOKEN = re.compile(r"[\w.]+(?==)|(?<==)[\w.-]+|[\w.]+")


def audit_detail(detail: str) -> str:
    """An audit entry's detail, written by the program ("consultation statut=ACTIVE patient=3"), as the
    titulaire reads it ("consultation statut : Active, patient : 3"). The stored text is never changed."""
    said = _DETAIL_TOKEN.sub(lambda found: _DETAIL_CODES.get(found.group(), found.group()), detail)
    return re.sub(r"\s*(\S+)=(\S+)", r" \1 : \2,", said).strip().rstrip(",")
