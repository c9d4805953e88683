"""Drug search over the whole BDPM, in memory: brand, DCI, CIP13, CIP7 or CIS.

Tolerant of what people type at a counter: accents and case, prescription shorthand
("cp", "gél", "amox"), typos ("amoxiciline") through rapidfuzz on the index's words,
and strengths ("doliprane 1000", "amox 1 g"). Every word of the query must match the
product (name or substance); marketed products and matching strengths come first.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

ABBREVIATIONS = {
    "cp": "comprime", "cpr": "comprime", "cpm": "comprime", "comp": "comprime", "cps": "comprime",
    "gel": "gelule", "gelu": "gelule", "sol": "solution", "inj": "injectable", "susp": "suspension",
    "buv": "buvable", "pdr": "poudre", "sach": "sachet", "amp": "ampoule", "eff": "effervescent",
    "pell": "pellicule", "sec": "secable", "disp": "dispersible", "collyr": "collyre", "pom": "pommade",
}
STOPWORDS = frozenset({"de", "d", "du", "des", "l", "la", "le", "les", "et", "en", "pour", "a", "au", "aux", "par"})
UNITS = {"mg": 1.0, "g": 1000.0, "gr": 1000.0, "µg": 0.001, "mcg": 0.001, "microgrammes": 0.001,
         "microgramme": 0.001, "ug": 0.001}
FORM_WORDS = frozenset(ABBREVIATIONS.values()) | {"film", "enrobe", "orodispersible", "sirop", "creme", "gel"}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-zµ]+")
NAME_WEIGHT, SUBSTANCE_WEIGHT, PREFIX_FACTOR = 1.0, 0.9, 0.9


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, ligatures opened: "Œstrogène Gél." -> "oestrogene gel."."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_THOUSANDS = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)")


def tokens(text: str) -> list[str]:
    """Words and numbers; "50 000 UI" keeps 50000 as one number."""
    return _TOKEN.findall(_THOUSANDS.sub("", fold(text)))


@dataclass(frozen=True, slots=True)
class DrugRecord:
    cis: str
    name: str
    substances: tuple[str, ...]
    cip13: tuple[str, ...]
    cip7: tuple[str, ...]
    marketed: bool
    strengths_mg: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class DrugHit:
    record: DrugRecord
    score: float


@dataclass(frozen=True, slots=True)
class _Query:
    words: tuple[str, ...]
    strengths: tuple[tuple[float, float | None], ...]
    """(number as typed, the same in mg when a unit says so)."""


def parse_query(text: str) -> _Query:
    words: list[str] = []
    strengths: list[tuple[float, float | None]] = []
    parts = tokens(text)
    for i, part in enumerate(parts):
        if part[0].isdigit():
            number = float(part.replace(",", "."))
            unit = UNITS.get(parts[i + 1]) if i + 1 < len(parts) else None
            strengths.append((number, number * unit if unit else None))
        elif part not in STOPWORDS and part not in UNITS and not (i > 0 and part in ("ml", "ui", "u")):
            words.append(ABBREVIATIONS.get(part, part))
    return _Query(tuple(words), tuple(strengths))


class DrugIndex:
    """An immutable index built once from the reference; safe to share between threads."""

    def __init__(self, records: Iterable[DrugRecord]) -> None:
        self.records = list(records)
        self._postings: dict[str, dict[int, float]] = {}
        self._numbers: list[frozenset[float]] = []
        self._numbers_mg: list[frozenset[float]] = []
        self._strengths: list[frozenset[float]] = []
        self._by_code: dict[str, list[int]] = {}
        for doc, record in enumerate(self.records):
            self._add(doc, record)
        self._vocabulary = sorted(self._postings)
        self._expansions: dict[str, tuple[tuple[str, float], ...]] = {}

    def _add(self, doc: int, record: DrugRecord) -> None:
        for word in tokens(record.name):
            if not word[0].isdigit():
                self._postings.setdefault(word, {})[doc] = NAME_WEIGHT
        for word in (w for s in record.substances for w in tokens(s)):
            if not word[0].isdigit():
                self._postings.setdefault(word, {}).setdefault(doc, SUBSTANCE_WEIGHT)
        raw, in_mg = _name_numbers(record.name)
        self._numbers.append(frozenset(raw))
        self._numbers_mg.append(frozenset(in_mg))
        self._strengths.append(frozenset(record.strengths_mg))
        for code in (record.cis, *record.cip13, *record.cip7):
            self._by_code.setdefault(code, []).append(doc)

    def __len__(self) -> int:
        return len(self.records)

    def search(self, text: str, limit: int = 20) -> list[DrugHit]:
        code = re.sub(r"[\s.-]", "", text)
        if code.isdigit() and len(code) in (7, 8, 13):
            return [DrugHit(self.records[doc], 100.0) for doc in self._by_code.get(code, [])][:limit]
        query = parse_query(text)
        if not query.words:
            return []
        scores = self._match_words(query.words)
        ranked = sorted(
            ((self._score(doc, base, query), doc) for doc, base in scores.items()),
            key=lambda item: (-item[0], self.records[item[1]].name),
        )
        return [DrugHit(self.records[doc], round(score, 3)) for score, doc in ranked[:limit]]

    def _match_words(self, words: tuple[str, ...]) -> dict[int, float]:
        """Documents matching every word that the index knows (AND), with the summed word scores.

        The rarest word is expanded in full; the others are only checked on its documents, so a
        common word ("comprimé") costs as little as a rare one."""
        expansions = [e for e in (self._expansion(w) for w in words) if e]
        if not expansions or len(expansions) < len([w for w in words if w not in FORM_WORDS]):
            return {}
        expansions.sort(key=self._expansion_size)
        result = self._word_matches(expansions[0])
        for expansion in expansions[1:]:
            result = {doc: score + best for doc, score in result.items()
                      if (best := self._best_weight(doc, expansion)) > 0}
        return result

    def _expansion(self, word: str) -> tuple[tuple[str, float], ...]:
        expansion = self._expansions.get(word)
        if expansion is None:
            if len(self._expansions) > 50_000:  # bounded: typed words are unbounded input
                self._expansions.clear()
            expansion = self._expansions[word] = _expand(word, self._vocabulary)
        return expansion

    def _expansion_size(self, expansion: tuple[tuple[str, float], ...]) -> int:
        return sum(len(self._postings[word]) for word, _ in expansion)

    def _word_matches(self, expansion: tuple[tuple[str, float], ...]) -> dict[int, float]:
        docs: dict[int, float] = {}
        for vocab_word, factor in expansion:
            for doc, weight in self._postings[vocab_word].items():
                if weight * factor > docs.get(doc, 0.0):
                    docs[doc] = weight * factor
        return docs

    def _best_weight(self, doc: int, expansion: tuple[tuple[str, float], ...]) -> float:
        return max((self._postings[w].get(doc, 0.0) * factor for w, factor in expansion), default=0.0)

    def _score(self, doc: int, base: float, query: _Query) -> float:
        record = self.records[doc]
        # Marketed first; among equals, the product with more presentations (the common one), then the shorter name.
        score = base + (0.8 if record.marketed else 0.0) + 0.03 * min(len(record.cip13), 5) - len(record.name) * 0.002
        for typed, in_mg in query.strengths:
            score += self._strength_score(doc, typed, in_mg)
        return score

    def _strength_score(self, doc: int, typed: float, in_mg: float | None) -> float:
        """A strength printed in the name counts most; one known only from the composition counts less
        (a 100 ml infusion bag holds "1 g" but is not what "paracetamol 1 g" asks for)."""
        in_name, in_name_mg, in_composition = self._numbers[doc], self._numbers_mg[doc], self._strengths[doc]
        if in_mg is not None:
            return 1.0 if in_mg in in_name_mg else 0.6 if in_mg in in_composition else -0.5
        if typed in in_name or typed in in_name_mg:
            return 1.0
        return 0.6 if typed in in_composition else -0.5


def _name_numbers(name: str) -> tuple[set[float], set[float]]:
    """Numbers printed in a name, and those followed by a mass unit converted to mg."""
    raw: set[float] = set()
    in_mg: set[float] = set()
    parts = tokens(name)
    for i, part in enumerate(parts):
        if part[0].isdigit():
            number = float(part.replace(",", "."))
            raw.add(number)
            unit = UNITS.get(parts[i + 1]) if i + 1 < len(parts) else None
            if unit:
                in_mg.add(round(number * unit, 6))
    return raw, in_mg


def _expand(word: str, vocabulary: list[str]) -> tuple[tuple[str, float], ...]:
    """Index words that `word` may mean: itself, words it begins (≥ 3 letters), close spellings."""
    found: dict[str, float] = {}
    index = bisect_left(vocabulary, word)
    if index < len(vocabulary) and vocabulary[index] == word:
        found[word] = 1.0
    if len(word) >= 3:
        while index < len(vocabulary) and vocabulary[index].startswith(word):
            found.setdefault(vocabulary[index], PREFIX_FACTOR)
            index += 1
    if not found and len(word) >= 4:
        found = _close_spellings(word, vocabulary)
    return tuple(found.items())


def _close_spellings(word: str, vocabulary: list[str]) -> dict[str, float]:
    cutoff = 80.0 if len(word) >= 8 else 84.0
    hits = process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
    return {hit: 0.75 * score / 100.0 for hit, score, _ in hits}
