"""Reading a CDA R2 document for a person: a safe HTML fragment of its header and its sections' narrative,
and the PDF of a niveau 1.

The documents come from the DMP, ours and any other producer's: nothing is trusted. The XML is parsed without
entities, DTD or network; the narrative block is rewritten element by element into a short list of HTML
tags (paragraphs, lists, tables, line breaks, emphasis) with only `colspan`/`rowspan` kept, every text is
escaped, links become their text; an element we do not know is shown as its text. A document that cannot be
read at all gives a fragment saying so.
"""

from __future__ import annotations

import base64
import binascii
import html
from collections.abc import Iterator

from lxml import etree

from comptoir.cda.elements import HL7, Element

NS = {"h": HL7}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
_TAGS = {"paragraph": "p", "table": "table", "thead": "thead", "tbody": "tbody", "tfoot": "tfoot", "tr": "tr",
         "th": "th", "td": "td", "caption": "caption", "item": "li", "sub": "sub", "sup": "sup", "content": "span",
         "footnote": "small"}
_SPANS = ("colspan", "rowspan")
_SEXES = {"M": "homme", "F": "femme"}


def html_of(xml: bytes) -> str:
    """The document as an HTML fragment (French labels), or a fragment saying that it cannot be read."""
    document = _parse(xml)
    if document is None:
        return '<article class="cda-document"><p>Document illisible : ce n\'est pas un document CDA R2.</p></article>'
    parts = ['<article class="cda-document">', _header(document)]
    parts += [_section(section, level=3) for section in document.xpath("h:component/h:structuredBody/h:component/"
                                                                      "h:section", namespaces=NS)]
    if document.find("h:component/h:nonXMLBody", NS) is not None:
        parts.append(_non_xml_body(document))
    parts.append("</article>")
    return "\n".join(parts)


def pdf_of(xml: bytes) -> bytes | None:
    """The PDF embedded in a niveau 1 (`nonXMLBody/text`, `application/pdf`, base 64), else None."""
    document = _parse(xml)
    text = None if document is None else document.find("h:component/h:nonXMLBody/h:text", NS)
    if text is None or text.get("mediaType") != "application/pdf" or text.get("representation") != "B64":
        return None
    try:
        content = base64.b64decode("".join((text.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return content if content.startswith(b"%PDF") else None


def _parse(xml: bytes) -> Element | None:
    try:
        root: Element = etree.fromstring(xml, _PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root if etree.QName(root).localname == "ClinicalDocument" else None


def _header(document: Element) -> str:
    title = _text(document.find("h:title", NS)) or document.xpath("string(h:code/@displayName)", namespaces=NS)
    rows = [("Patient", _patient(document)), ("Auteur", _authors(document)),
            ("Date", _when(document.xpath("string(h:effectiveTime/@value)", namespaces=NS))),
            ("Type", document.xpath("string(h:code/@displayName)", namespaces=NS)),
            ("Structure", document.xpath("string(h:custodian//h:representedCustodianOrganization/h:name)",
                                         namespaces=NS))]
    items = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in rows if value.strip())
    return f"<header><h2>{_e(title or 'Document')}</h2><dl>{items}</dl></header>"


def _patient(document: Element) -> str:
    person = document.find("h:recordTarget/h:patientRole/h:patient", NS)
    if person is None:
        return ""
    name = person.find("h:name", NS)
    said = [_person_name(name)] if name is not None else []
    birth_name = _family(name, "BR") if name is not None else ""
    if birth_name and birth_name not in said[0]:
        said.append(f"(nom de naissance {birth_name})")
    born = _when(person.xpath("string(h:birthTime/@value)", namespaces=NS), with_time=False)
    if born:
        said.append(f"né(e) le {born}")
    sex = _SEXES.get(person.xpath("string(h:administrativeGenderCode/@code)", namespaces=NS))
    if sex:
        said.append(sex)
    ins = document.xpath("string(h:recordTarget/h:patientRole/h:id[1]/@extension)", namespaces=NS)
    if ins:
        said.append(f"— INS {ins}")
    return " ".join(part for part in said if part)


def _person_name(name: Element) -> str:
    """First names (each once, in order) and the used family name (CL), else the first family name given."""
    words: list[str] = []
    for given in name.findall("h:given", NS):
        words += [w for w in _text(given).split() if w not in words]
    family = _family(name, "CL") or _family(name, "SP") or _family(name, None)
    prefix = " ".join(_text(p) for p in name.findall("h:prefix", NS))
    return " ".join(part for part in (prefix, " ".join(words), family) if part) or _text(name)


def _family(name: Element, qualifier: str | None) -> str:
    for family in name.findall("h:family", NS):
        if qualifier is None or qualifier in (family.get("qualifier") or "").split():
            return _text(family)
    return ""


def _authors(document: Element) -> str:
    said = []
    for author in document.findall("h:author/h:assignedAuthor", NS):
        name = author.find("h:assignedPerson/h:name", NS)
        who = _person_name(name) if name is not None else author.xpath(
            "string(h:assignedAuthoringDevice/h:softwareName)", namespaces=NS)
        where = author.xpath("string(h:representedOrganization/h:name)", namespaces=NS)
        said.append(", ".join(part.strip() for part in (who, where) if part.strip()))
    return " ; ".join(part for part in said if part)


def _when(value: str, *, with_time: bool = True) -> str:
    digits = value[:14]
    if len(digits) < 8 or not digits[:8].isdigit():
        return ""
    day = f"{digits[6:8]}/{digits[4:6]}/{digits[:4]}"
    return f"{day} à {digits[8:10]}h{digits[10:12]}" if with_time and len(digits) >= 12 else day


def _section(section: Element, *, level: int) -> str:
    title = _text(section.find("h:title", NS)) or section.xpath("string(h:code/@displayName)", namespaces=NS)
    heading = min(level, 6)
    parts = ['<section class="cda-section">', f"<h{heading}>{_e(title or 'Section')}</h{heading}>"]
    text = section.find("h:text", NS)
    if text is not None:
        parts.append(f'<div class="cda-text">{"".join(_narrative(text))}</div>')
    parts += [_section(child, level=level + 1) for child in section.findall("h:component/h:section", NS)]
    parts.append("</section>")
    return "".join(parts)


def _non_xml_body(document: Element) -> str:
    text = document.find("h:component/h:nonXMLBody/h:text", NS)
    kind = text.get("mediaType", "") if text is not None else ""
    if kind == "application/pdf":
        return '<p class="cda-attachment">Le document est un PDF joint.</p>'
    if kind == "text/plain" and text is not None and text.get("representation") != "B64":
        return f'<pre class="cda-text">{_e(_text(text))}</pre>'
    return f'<p class="cda-attachment">Le document est un fichier joint ({_e(kind or "format inconnu")}).</p>'


def _narrative(element: Element) -> Iterator[str]:
    """The children of a narrative element as safe HTML, then its tail texts."""
    if element.text:
        yield _e(element.text)
    for child in element:
        yield from _child(child)
        if child.tail:
            yield _e(child.tail)


def _child(child: Element) -> Iterator[str]:
    if not isinstance(child.tag, str):  # comments and processing instructions
        return
    name = etree.QName(child).localname
    if name == "br":
        yield "<br>"
    elif name == "list":
        tag = "ol" if child.get("listType") == "ordered" else "ul"
        yield f"<{tag}>{''.join(_narrative(child))}</{tag}>"
    elif name in ("renderMultiMedia", "footnoteRef"):
        return
    elif _TAGS.get(name):
        tag = _TAGS[name]
        yield f"<{tag}{_spans(child)}>{''.join(_narrative(child))}</{tag}>"
    else:  # linkHtml, unknown elements, colgroups: their text only
        yield "".join(_narrative(child))


def _spans(element: Element) -> str:
    kept = ((name, element.get(name, "")) for name in _SPANS)
    return "".join(f' {name}="{value}"' for name, value in kept if value.isdigit())


def _text(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _e(text: str) -> str:
    return html.escape(text, quote=True)

