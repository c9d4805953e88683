"""The ANS conformance kit (../shared/cda-kit) run in-process: the CDA schema with lxml, the schematrons with
one Saxon processor whose compiled stylesheets are kept for the whole session (compiling one costs far more
than running it). Same checks as the kit's `validate.py`, without recompiling per document."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

REPOSITORY = Path(__file__).resolve().parents[3]
KIT = next((p for p in (REPOSITORY.parent / "shared" / "cda-kit", REPOSITORY.parent.parent / "shared" / "cda-kit")
            if p.is_dir()), REPOSITORY.parent / "shared" / "cda-kit")
SVRL = {"svrl": "http://purl.oclc.org/dsdl/svrl"}
COMMON = "profils/CI-SIS_ModelesDeContenusCDA.xsl"
EXAMPLES = KIT / "examples"


class SaxonMissing(RuntimeError):
    pass


def missing() -> str:
    """Why the kit cannot run here (its directory is absent, as outside the team's machines), or "".

    saxonche is a pinned dev dependency: without it the kit's tests fail rather than skip unnoticed in CI."""
    if not (KIT / "validate.py").is_file():
        return f"kit de conformité CDA absent : {KIT}"
    if importlib.util.find_spec("saxonche") is None:
        raise SaxonMissing("saxonche absent (dépendance de développement épinglée) : les schématrons du kit ne "
                           "peuvent pas tourner — installez les dépendances de développement.")
    return ""


@dataclass
class Kit:
    processor: Any
    schema: etree.XMLSchema
    compiled: dict[str, Any] = field(default_factory=dict)

    def failures(self, document: bytes, model: str | None = None) -> list[str]:
        """Every XSD error and failed assertion, `[]` when the document conforms."""
        tree = etree.fromstring(document)
        self.schema.validate(tree)
        found = [f"XSD line {e.line}: {e.message}" for e in self.schema.error_log]
        node = self.processor.parse_xml(xml_text=document.decode("utf-8"))
        for check in [COMMON] + ([f"CI-SIS_{model}.xsl"] if model else []):
            report = etree.fromstring(self._executable(check).transform_to_string(xdm_node=node).encode())
            found += [f"{Path(check).stem}: {' '.join(''.join(f.itertext()).split())}"
                      for f in report.findall(".//svrl:failed-assert", SVRL)]
        return found

    def _executable(self, check: str) -> Any:
        if check not in self.compiled:
            xsl = KIT / "schematrons" / check
            compiler = self.processor.new_xslt30_processor()
            compiler.set_cwd(str(xsl.parent))
            self.compiled[check] = compiler.compile_stylesheet(stylesheet_file=str(xsl))
        return self.compiled[check]


def open_kit() -> Kit:
    from saxonche import PySaxonProcessor

    schema = etree.XMLSchema(etree.parse(str(KIT / "infrastructure" / "cda" / "CDA_extended.xsd")))
    return Kit(PySaxonProcessor(license=False), schema)
