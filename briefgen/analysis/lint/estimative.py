"""Estimative language (ICD 203): one column of likelihood words per product, and never a confidence level and a
likelihood term in one sentence. Phrases are matched whole: "remote sensing" and "remote regions" are not the
estimative "remote", which counts only as "a remote chance" or "is remote"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from briefgen.analysis.lint.framework import Context, Finding, Passage
from briefgen.analysis.lint.text import Lexicon, quoted, sentences
from briefgen.inputs.model import Memo

LIKELIHOOD, PROBABILITY = "likelihood", "probability"
ESTIMATIVE = Lexicon(
    (
        (
            LIKELIHOOD,
            (
                "almost no chance",
                "very unlikely",
                "unlikely",
                "roughly even chance",
                "likely",
                "very likely",
                "almost certain",
                "almost certainly",
            ),
        ),
        (
            PROBABILITY,
            (
                r"re:remote(?=\s+(?:chance|possibility|prospect|odds|probability)\b)",
                r"re:(?<=\bis\s)remote|(?<=\bare\s)remote|(?<=\bremains\s)remote|(?<=\bseems\s)remote",
                "highly improbable",
                "improbable",
                "improbably",
                "roughly even odds",
                "probable",
                "probably",
                "highly probable",
                "nearly certain",
                "nearly certainly",
            ),
        ),
    )
)
_CONFIDENCE = re.compile(
    r"\b(?:high|moderate|medium|low)(?:-|\s+)confidence\b|\bconfidence\s+(?:is|was|remains)\s+(?:high|moderate|low)\b",
    re.IGNORECASE,
)


def memo_passages(ctx: Context, memo: Memo) -> list[Passage]:
    return [p for p in ctx.passages if memo.id in p.memos]


def mixed_columns(ctx: Context) -> Iterator[Finding]:
    """A memo using terms from both ICD 203 columns: warned once, at the first term of the less used column."""
    for memo in ctx.brief.spec.memos:
        uses: dict[str, list[tuple[Passage, str]]] = {LIKELIHOOD: [], PROBABILITY: []}
        for passage in memo_passages(ctx, memo):
            for column, phrase in ESTIMATIVE.find(passage.text):
                uses[column].append((passage, phrase))
        if uses[LIKELIHOOD] and uses[PROBABILITY]:
            minor = PROBABILITY if len(uses[PROBABILITY]) <= len(uses[LIKELIHOOD]) else LIKELIHOOD
            major = LIKELIHOOD if minor == PROBABILITY else PROBABILITY
            passage, phrase = uses[minor][0]
            yield Finding(
                passage.item,
                passage.where,
                f"'{phrase}' is an ICD 203 {minor} term, but memo {memo.id!r} also uses {major} terms "
                f"({quoted(p for _, p in uses[major][:3])}): use one column in one product",
            )


def confidence_with_likelihood(ctx: Context) -> Iterator[Finding]:
    """A sentence stating a confidence level and a likelihood (ICD 203: keep them in separate sentences)."""
    for passage in ctx.passages:
        for sentence in sentences(passage.text):
            confidence = _CONFIDENCE.findall(sentence)
            terms = [phrase for _, phrase in ESTIMATIVE.find(sentence)]
            if confidence and terms:
                yield Finding(
                    passage.item,
                    passage.where,
                    f"{quoted(confidence)} and {quoted(terms)} in one sentence: state the confidence level in a "
                    "sentence of its own (ICD 203)",
                )
