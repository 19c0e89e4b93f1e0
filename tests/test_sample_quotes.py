"""The quotes of the sample evidence files are verbatim passages of their seed articles.

Each ``evidence/*.yaml`` cites one seed article in ``<repo>/../shared/seeds``. Every record's
``quote`` is folded (whitespace, typographic quotes, dashes, ``\\$``, footnote digits) and must
occur in the folded article; a quote may skip text with "..." if its parts stay in order and
close together.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
EVIDENCE_DIR = REPO / "evidence"
# The articles are not in the repository (see the README, "The sample brief's seed articles"): they sit in
# ../shared/seeds beside a checkout, or wherever BRIEFGEN_SEEDS points.
SEEDS_DIR = Path(os.environ.get("BRIEFGEN_SEEDS") or REPO.parent / "shared" / "seeds")

SEED_FILES: dict[str, str] = {
    "keranen-2025": "000_719316fb7047e1bf.txt",
    "rferl-2024-ilrs": "001_af513dffeea428df.txt",
    "serikuly-2026": "002_486e47d6bf10311e.txt",
    "baikonur-70-opinion-2025": "003_d9269fb543b8a9e9.txt",
    "astana-times-2013": "004_5681498acef6ff75.txt",
}

MIN_TOTAL_RECORDS = 40
MAX_GAP = 600  # characters allowed between the parts of an elided quote, in the folded article

_TRANSLATION = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
    }
)
# Footnote marks: a run of digits (ASCII or superscript) glued to a letter, a closing quote or
# punctuation, and followed by whitespace or the end. Typographic quotes are folded first.
_FOOTNOTE = re.compile(
    r"(?:(?<=[^\W\d_\u00b2\u00b3\u00b9\u2070-\u2079])|(?<=[.,;:)\"']))"
    r"[0-9\u00b2\u00b3\u00b9\u2070\u2074-\u2079]+(?=\s|$)"
)
_WHITESPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\.\.\.|\u2026")


def fold(text: str) -> str:
    """Normalise text for comparison; apply the same folding to the article and to the quote."""
    text = text.replace("\\$", "$").translate(_TRANSLATION)
    text = _FOOTNOTE.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()


def quote_parts(quote: str) -> list[str]:
    """The folded parts of a quote, split at "..." or "…", empty parts dropped."""
    return [part.strip() for part in _ELLIPSIS.split(fold(quote)) if part.strip()]


def find_in_order(parts: list[str], article: str, max_gap: int = MAX_GAP) -> bool:
    """Whether the parts occur in the article in order, each within ``max_gap`` of the previous."""

    def search(index: int, start: int, limit: int | None) -> bool:
        if index == len(parts):
            return True
        part = parts[index]
        pos = article.find(part, start)
        while pos != -1 and (limit is None or pos <= limit):
            end = pos + len(part)
            if search(index + 1, end, end + max_gap):
                return True
            pos = article.find(part, pos + 1)
        return False

    return bool(parts) and search(0, 0, None)


class Loaded(NamedTuple):
    path: Path
    data: Any
    error: str | None


def _evidence_files() -> list[Path]:
    return sorted(EVIDENCE_DIR.glob("*.yaml")) if EVIDENCE_DIR.is_dir() else []


def _load_all() -> list[Loaded]:
    loaded: list[Loaded] = []
    for path in _evidence_files():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            loaded.append(Loaded(path, None, f"{path.name}: cannot load: {exc}"))
            continue
        if not isinstance(data, dict) or not isinstance(data.get("source"), dict):
            loaded.append(Loaded(path, data, f"{path.name}: no 'source' mapping"))
            continue
        loaded.append(Loaded(path, data, None))
    return loaded


def _source_id(item: Loaded) -> str:
    if item.error is None:
        source_id = item.data["source"].get("id")
        if isinstance(source_id, str):
            return source_id
    return item.path.stem


def _records(item: Loaded) -> list[Any]:
    if item.error is not None:
        return []
    records = item.data.get("records")
    return records if isinstance(records, list) else []


LOADED = _load_all()


def _quote_cases() -> list[Any]:
    cases: list[Any] = []
    for item in LOADED:
        source_id = _source_id(item)
        if item.error is not None:
            cases.append(pytest.param(source_id, "<file>", None, item.error, id=f"{source_id}:<file>"))
            continue
        for number, record in enumerate(_records(item), start=1):
            record_id = record.get("id") if isinstance(record, dict) else None
            label = record_id if isinstance(record_id, str) else f"<record {number}>"
            quote = record.get("quote") if isinstance(record, dict) else None
            error = None if isinstance(quote, str) and quote.strip() else f"{label}: no quote"
            cases.append(pytest.param(source_id, label, quote, error, id=f"{source_id}:{label}"))
    return cases


_ARTICLES: dict[str, str] = {}


def _folded_article(source_id: str) -> str:
    """The folded seed article of a source; skip, saying how to get them, if the seeds are absent."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(
            f"seed articles not found at {SEEDS_DIR}: put them in ../shared/seeds or set BRIEFGEN_SEEDS "
            '(README: "The sample brief\'s seed articles")'
        )
    if source_id not in _ARTICLES:
        name = SEED_FILES.get(source_id)
        if name is None:
            pytest.fail(f"no seed article mapped for source id {source_id!r}")
        path = SEEDS_DIR / name
        if not path.is_file():
            pytest.fail(f"seed article {path} for source {source_id!r} is missing")
        _ARTICLES[source_id] = fold(path.read_text(encoding="utf-8"))
    return _ARTICLES[source_id]


@pytest.mark.parametrize(("source_id", "record_id", "quote", "error"), _quote_cases())
def test_quote_is_verbatim(source_id: str, record_id: str, quote: str | None, error: str | None) -> None:
    assert error is None, error
    assert quote is not None
    article = _folded_article(source_id)
    parts = quote_parts(quote)
    assert parts, f"{source_id} {record_id}: the quote is empty after folding"
    missing = [part for part in parts if part not in article]
    assert not missing, f"{source_id} {record_id}: not in the seed article: {missing!r}"
    assert find_in_order(parts, article), (
        f"{source_id} {record_id}: the parts of the quote are not in order within {MAX_GAP} characters"
    )


def test_every_evidence_file_has_a_seed() -> None:
    errors = [item.error for item in LOADED if item.error is not None]
    assert not errors, errors
    unmapped = [f"{item.path.name} ({_source_id(item)})" for item in LOADED if _source_id(item) not in SEED_FILES]
    assert not unmapped, f"evidence files without a seed article mapping: {unmapped}"


def test_total_record_count() -> None:
    counts = {item.path.name: len(_records(item)) for item in LOADED}
    total = sum(counts.values())
    assert total >= MIN_TOTAL_RECORDS, f"{total} records in {counts}; the sample needs at least {MIN_TOTAL_RECORDS}"


# Self-checks of the folding and matching rules on fixed strings, independent of the seeds.


def test_fold_normalises_typography() -> None:
    text = "Baikonur\u2019s \u201cdevil\u2019s venom\u201d \u2013 a \u2014 b costs \\$115\n\t million"
    assert fold(text) == "Baikonur's \"devil's venom\" - a - b costs $115 million"


def test_fold_removes_footnote_digits() -> None:
    assert fold("to Tashkent.\u00b9 From") == "to Tashkent. From"
    assert fold("program.\u2074\n\ntion") == "program. tion"
    assert fold("the lease.13 Yet") == "the lease. Yet"
    assert fold("\u201cthe same.\u201d49 In") == '"the same." In'
    assert fold("ended in 2050.\u2075") == "ended in 2050."
    assert fold("Soyuz-5 rocket, Vostok 1 in 1961") == "Soyuz-5 rocket, Vostok 1 in 1961"


def test_find_in_order() -> None:
    article = "alpha beta gamma delta"
    assert find_in_order(["alpha", "gamma"], article)
    assert not find_in_order(["gamma", "alpha"], article)
    assert not find_in_order(["alpha", "delta"], article, max_gap=5)
    assert quote_parts("alpha ... gamma\u2026 delta") == ["alpha", "gamma", "delta"]
