"""Wire messages <-> our words (domain.eprescription), shared by the client and the emulator."""

from __future__ import annotations

from comptoir.domain.eprescription import prescription as rx
from comptoir.national.eprescription import wire


def prescriber_wire(p: rx.Prescriber) -> wire.Prescripteur:
    return wire.Prescripteur(rpps=p.rpps, am=p.am, nom=p.last_name, prenom=p.first_name, specialite=p.specialty,
                             finess=p.finess, rppsRemplace=p.replaced_rpps)


def prescriber(w: wire.Prescripteur) -> rx.Prescriber:
    return rx.Prescriber(w.rpps, w.am, w.nom, w.prenom, w.specialite, w.finess, w.rppsRemplace)


def patient_wire(p: rx.PatientTraits) -> wire.PatientOn:
    return wire.PatientOn(nom=p.last_name, prenom=p.first_name, dateNaissance=p.birth_date,
                          sexe=p.sex,  # type: ignore[arg-type]
                          matriculeIns=p.ins, oidIns=p.ins_oid)


def patient(w: wire.PatientOn) -> rx.PatientTraits:
    return rx.PatientTraits(w.nom, w.prenom, w.dateNaissance, w.sexe, w.matriculeIns, w.oidIns)


def line_wire(line: rx.PrescribedLine) -> wire.LignePrescription:
    return wire.LignePrescription(
        numero=line.number, type=line.kind.value, designation=line.text, posologie=line.posology,
        quantite=line.quantity, renouvellements=line.renewals, dureeJours=line.duration_days, cis=line.cis,
        cip13=line.cip13, substituable=line.substitutable,
        motifNonSubstitution=line.non_substitution_reason,  # type: ignore[arg-type]
        ald=line.ald)


def line(w: wire.LignePrescription) -> rx.PrescribedLine:
    return rx.PrescribedLine(number=w.numero, kind=rx.LineKind(w.type), text=w.designation, posology=w.posologie,
                             quantity=w.quantite, renewals=w.renouvellements, duration_days=w.dureeJours, cis=w.cis,
                             cip13=w.cip13, substitutable=w.substituable,
                             non_substitution_reason=w.motifNonSubstitution, ald=w.ald)


def draft_wire(draft: rx.Draft) -> wire.DemandeCreation:
    return wire.DemandeCreation(prescripteur=prescriber_wire(draft.prescriber), patient=patient_wire(draft.patient),
                                datePrescription=draft.issued_on, lignes=[line_wire(x) for x in draft.lines],
                                consentement=draft.consent, securisee=draft.secure, commentaire=draft.comment)


def delivered_wire(d: rx.DeliveredLine) -> wire.LigneExecution:
    act = d.intervention
    return wire.LigneExecution(
        numeroLigne=d.line_number, designation=d.label, quantite=d.quantity, cip13=d.cip13, partielle=d.partial,
        substitution=d.substitution,  # type: ignore[arg-type]
        intervention=wire.Intervention(probleme=act.problem, intervention=act.intervention, devenir=act.outcome,
                                       commentaire=act.comment) if act else None,
        posologieDelivree=d.posology)


def delivered(w: wire.LigneExecution) -> rx.DeliveredLine:
    act = w.intervention
    return rx.DeliveredLine(
        line_number=w.numeroLigne, label=w.designation, quantity=w.quantite, cip13=w.cip13, partial=w.partielle,
        substitution=w.substitution, posology=w.posologieDelivree,
        intervention=rx.Intervention(act.probleme, act.intervention, act.devenir, act.commentaire) if act else None)


def execution_wire(e: rx.Execution) -> wire.DemandeExecution:
    return wire.DemandeExecution(cleIdempotence=e.key, dateExecution=e.at, numeroRenouvellement=e.renewal,
                                 finessPharmacie=e.pharmacy_finess, nomPharmacie=e.pharmacy_name,
                                 rppsPharmacien=e.pharmacist_rpps, lignes=[delivered_wire(x) for x in e.lines])


def execution(w: wire.DemandeExecution, *, ident: str = "", billed: bool = False) -> rx.Execution:
    return rx.Execution(key=w.cleIdempotence, at=w.dateExecution, renewal=w.numeroRenouvellement,
                        pharmacy_finess=w.finessPharmacie, pharmacy_name=w.nomPharmacie,
                        pharmacist_rpps=w.rppsPharmacien, lines=tuple(delivered(x) for x in w.lignes), id=ident,
                        billed=billed)


def prescription(w: wire.Ordonnance) -> rx.Prescription:
    return rx.Prescription(
        id=w.idPrescription, issued_on=w.datePrescription, valid_until=w.finValidite,
        prescriber=prescriber(w.prescripteur), patient=patient(w.patient), lines=tuple(line(x) for x in w.lignes),
        consent=w.consentement, secure=w.securisee, cancelled=w.annulee, consulted=w.consultations,
        executions=tuple(execution(e, ident=e.idExecution, billed=e.facturee) for e in w.executions))


def prescription_wire(p: rx.Prescription, status: str) -> wire.Ordonnance:
    """The whole prescription in the base's words (the pharmacy keeps the last answer as JSON)."""
    return wire.Ordonnance(
        idPrescription=p.id, statut=status, datePrescription=p.issued_on, finValidite=p.valid_until,
        prescripteur=prescriber_wire(p.prescriber), patient=patient_wire(p.patient),
        lignes=[line_wire(x) for x in p.lines], consentement=p.consent, securisee=p.secure, annulee=p.cancelled,
        consultations=p.consulted,
        executions=[wire.Execution(**execution_wire(e).model_dump(), idExecution=e.id, facturee=e.billed)
                    for e in p.executions])
