"""``memo.sensitivity`` in the memos: release filtering (figures only from scores the audience may see, marked with
them), the memos' words, change notes that say how the figures moved, the check concerns, and reproducibility
across runs and hash seeds."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from briefs import BRIEF, OPTION, REPO, build_tree

import briefgen
from briefgen.analysis.assemble import assemble
from briefgen.analysis.concerns import FRAGILE, NOT_FIRST, Concern, ranking_concerns
from briefgen.builder.run import build
from briefgen.inputs.scales import Marking

TODAY = dt.date(2025, 6, 10)
GLANCE = """\
{% extends "base.md.j2" %}
{% block body %}
{% if memo.sensitivity %}{{ memo.sensitivity.summary | md }} First:
{%- for r in memo.sensitivity.acceptability %} {{ r.id }} {{ r.first | percent }};{% endfor %}

{% else %}No figures.
{% endif %}
{% endblock %}
"""
AUDIENCES = """\
  glance-green: {name: Green readers, template: glance.md.j2, max_marking: TLP:GREEN}
  glance-amber: {name: Amber readers, template: glance.md.j2, max_marking: TLP:AMBER}
"""


def option(ident: str, influence: int, cost: int, extra: str = "") -> str:
    text = OPTION.format(id=ident)
    text = text.replace("influence: {score: 4,", f"influence: {{score: {influence},")
    return text.replace("cost: {score: 2,", f"cost: {{score: {cost},") + extra


def brief_text(weights: tuple[float, float] = (0.6, 0.4), recommendation: str = "alpha", memo_extra: str = "") -> str:
    text = BRIEF.replace("Regional influence, weight: 0.6", f"Regional influence, weight: {weights[0]}")
    text = text.replace("Cost to the US, weight: 0.4", f"Cost to the US, weight: {weights[1]}")
    text = text.replace("  partner: {name: Partner", AUDIENCES + "  partner: {name: Partner")
    text = text.replace("options: [alpha, beta]", "options: [alpha, beta, gamma]")
    text = text.replace("recommendation: alpha", f"recommendation: {recommendation}")
    text = text.replace(
        "audiences: [principal, working-level, partner]",
        "audiences: [principal, working-level, partner, glance-green, glance-amber]",
    )
    return text + memo_extra


def project(
    root: Path,
    gamma: str = "",
    weights: tuple[float, float] = (0.6, 0.4),
    recommendation: str = "alpha",
    memo_extra: str = "",
    gamma_scores: tuple[int, int] = (2, 5),
) -> Path:
    """alpha (5, 3) leads at the stated weights; it ranks first whenever the weight on influence is above 0.4."""
    return build_tree(
        root,
        {
            "briefgen.yaml": brief_text(weights, recommendation, memo_extra),
            "templates/glance.md.j2": GLANCE,
            "options/alpha.yaml": option("alpha", 5, 3),
            "options/beta.yaml": option("beta", 3, 4),
            "options/gamma.yaml": option("gamma", *gamma_scores, extra=gamma),
        },
    )


def figures(root: Path, audience: str) -> object:
    brief = briefgen.load(root)
    return assemble(brief, brief.spec.memos[0], audience, TODAY).sensitivity


def glance(root: Path, audience: str) -> str:
    text = briefgen.render(briefgen.load(root), "test-memo", audience, "md")
    assert isinstance(text, str)
    return text


AMBER_SCORE = "influence: {score: 2, rationale: Good., evidence: [E-1]}"


def test_a_withheld_score_withholds_the_figures_and_marks_them(tmp_path: Path) -> None:
    clear = project(tmp_path / "clear")
    shown = glance(clear, "glance-green")
    assert shown.startswith("**TLP:CLEAR**") and "ranks first in 60% of random weightings" in shown
    hidden = project(tmp_path / "hidden")
    path = hidden / "options/gamma.yaml"
    path.write_text(path.read_text().replace(AMBER_SCORE, AMBER_SCORE[:-1] + ", marking: TLP:AMBER}"))
    green = glance(hidden, "glance-green")
    assert "No figures." in green and "random weightings" not in green
    assert figures(hidden, "glance-green") is None
    amber = glance(hidden, "glance-amber")
    # The figures rest on the AMBER score: reading them marks the memo AMBER, though nothing else it shows is.
    assert amber.startswith("**TLP:AMBER**") and "ranks first in 60% of random weightings" in amber
    ctx_figures = figures(hidden, "glance-amber")
    assert getattr(ctx_figures, "marking", None) == Marking.AMBER


def test_green_audience_figures_rest_only_on_what_it_may_see(tmp_path: Path) -> None:
    """An option withheld whole is not ranked for GREEN: its figures are those of the other two, and changing the
    withheld option's scores changes nothing a GREEN reader sees."""
    withheld = "marking: TLP:AMBER\n"
    first = project(tmp_path / "one", gamma=withheld)
    green, amber = glance(first, "glance-green"), glance(first, "glance-amber")
    assert "First: alpha 67%; beta 33%;\n" in green and "gamma" not in green  # alpha leads beta when w1 > 1/3
    assert "First: alpha 60%; beta 0%; gamma 40%;\n" in amber
    assert green.startswith("**TLP:CLEAR**") and amber.startswith("**TLP:AMBER**")
    second = project(tmp_path / "two", gamma=withheld, gamma_scores=(5, 5))
    assert glance(second, "glance-green") == green  # nothing of gamma leaks through the figures
    assert glance(second, "glance-amber") != amber


def test_the_partner_template_shows_nothing_of_it(tmp_path: Path) -> None:
    root = project(tmp_path)
    partner = glance(root, "partner")
    assert "weightings" not in partner and "ranking hold" not in partner
    assert figures(root, "partner") is not None  # computed for it: the template chooses not to show it


def test_options_paper_and_principal_say_it_in_the_same_words(tmp_path: Path) -> None:
    root = project(tmp_path)
    fig = figures(root, "working-level")
    summary = getattr(fig, "summary", "")
    assert summary.startswith("The recommended option ranks first in 60% of random weightings")
    paper = glance(root, "working-level")
    principal = glance(root, "principal")
    section = paper.split("## Does the ranking hold?", 1)[1].split("\n## ", 1)[0]
    assert summary in section and summary in principal
    assert "| Influence" not in section  # criteria are named, not identified
    assert "| Regional influence (60%) | cut of 33% | 40% | Option gamma |" in section
    assert "| Option alpha | 60% | 6.8% | 33% |" in section  # last whenever w1 < 1/3, behind beta and gamma
    assert "| Regional influence | 60% | 70% | — | 20% |" in section  # central weights; beta is never first


def test_a_recommendation_that_does_not_rank_first_says_so(tmp_path: Path) -> None:
    reason = "    recommendation_reason: Astana has asked for it by name.\n"
    root = project(tmp_path, recommendation="beta", memo_extra=reason)
    paper, principal = glance(root, "working-level"), glance(root, "principal")
    said = "recommended, though it ranks 2 of 3 on the weighted criteria. Astana has asked for it by name."
    assert f"**Option beta** — {said}" in paper
    assert f"R{said[1:]}" in principal
    assert "Option alpha ranks first in 60% of random weightings (the recommended option in 0%)" in principal
    silent = project(tmp_path / "silent", recommendation="beta")
    assert "on the weighted criteria.\n" in glance(silent, "working-level")


def test_ranking_concerns(tmp_path: Path) -> None:
    def concerns(root: Path) -> tuple[Concern, ...]:
        brief = briefgen.load(root)
        return ranking_concerns(brief, brief.spec.memos[0])

    assert concerns(project(tmp_path / "robust")) == ()
    not_first = concerns(project(tmp_path / "beta", recommendation="beta"))
    assert [c.rule for c in not_first] == [NOT_FIRST, FRAGILE]
    assert all(c.memo == "test-memo" and c.field == "recommendation" for c in not_first)
    assert "'beta' ranks 2 of 3 on the weighted criteria ('alpha' first)" in not_first[0].message
    assert "recommendation_reason" in not_first[0].message
    assert "ranks first in only 0% of 10,000 random weightings" in not_first[1].message
    # 0.45 / 0.55: alpha still leads, but an 11% cut in the weight on influence brings gamma level, and so does a
    # 9.1% rise in the weight on cost (55% to 60%): the smaller change is the one reported.
    near = concerns(project(tmp_path / "near", weights=(0.45, 0.55)))
    assert [c.rule for c in near] == [FRAGILE]
    assert "a 9.1% rise (from 55% to 60%) in the weight on 'cost' brings 'gamma' level" in near[0].message
    # alpha (5, 2) against gamma (3, 5) leads only when w1 > 0.6: first in about 40% of weightings.
    rare = project(tmp_path / "rare", weights=(0.8, 0.2), gamma_scores=(3, 5))
    path = rare / "options/alpha.yaml"
    path.write_text(path.read_text().replace("cost: {score: 3,", "cost: {score: 2,"))
    assert [c.rule for c in concerns(rare)] == [FRAGILE]
    assert "sensitivity.warn_below: 50%" in concerns(rare)[0].message


def test_settings_change_the_figures(tmp_path: Path) -> None:
    settings = "sensitivity: {step: 0.1, samples: 500, seed: 7, warn_below: 0.7}\n"
    root = project(tmp_path)
    (root / "briefgen.yaml").write_text(settings + (root / "briefgen.yaml").read_text())
    fig = figures(root, "working-level")
    assert (getattr(fig, "samples", 0), getattr(fig, "seed", 0), getattr(fig, "step", 0)) == (500, 7, 0.1)
    brief = briefgen.load(root)
    assert [c.rule for c in ranking_concerns(brief, brief.spec.memos[0])] == [FRAGILE]  # 60% < 70%


def test_weight_ranges_are_sampled_within(tmp_path: Path) -> None:
    root = project(tmp_path)
    path = root / "briefgen.yaml"
    path.write_text(path.read_text().replace("weight: 0.6}", "weight: 0.6, weight_range: [0.5, 0.7]}"))
    fig = figures(root, "working-level")
    assert getattr(fig, "method", "") == "rejection"
    assert "ranks first in 100% of random weightings within the stated weight ranges" in getattr(fig, "summary", "")
    flips = getattr(fig, "flips", ())
    assert [f.within_range for f in flips] == [False, None]  # gamma draws level at 40%, outside [50%, 70%]


def test_change_note_says_how_the_figures_moved(tmp_path: Path) -> None:
    root = project(tmp_path)
    build(root, as_of=TODAY)
    path = root / "options/gamma.yaml"
    # gamma (2, 4) is dominated by beta (3, 4): beta takes its place, first when w1 < 1/3.
    path.write_text(path.read_text().replace("cost: {score: 5,", "cost: {score: 4,"))
    build(root, as_of=TODAY)
    paper = (root / "outputs/test-memo/working-level.md").read_text()
    assert "- Option alpha now first in 67% of weightings, was 60%" in paper
    assert "- Option beta now first in 33% of weightings, was 0%" in paper
    assert "- Option gamma now first in 0% of weightings, was 40%" in paper
    assert (
        # the criterion by its name, as the memo prints it ("Regional influence"), not by its id ("influence")
        "- Smallest single-weight change that changes the top option: now a 44% cut in the weight on Regional "
        "influence (Option beta level), was a 33% cut in the weight on Regional influence (Option gamma level)"
    ) in paper
    partner = (root / "outputs/test-memo/partner.md").read_text()
    assert "weightings" not in partner
    # A weight change moves the thresholds but not the shares: random weightings do not depend on the stated ones.
    brief = root / "briefgen.yaml"
    brief.write_text(brief.read_text().replace("weight: 0.6", "weight: 0.7").replace("weight: 0.4", "weight: 0.3"))
    build(root, as_of=TODAY)
    paper = (root / "outputs/test-memo/working-level.md").read_text()
    changed = paper.split("## What changed", 1)[1].split("\n## ", 1)[0]
    assert "now first in" not in changed
    assert "Smallest single-weight change that changes the top option: now a 52% cut" in changed
    assert "was a 44% cut in the weight on Regional influence (Option beta level)" in changed


def test_a_change_of_settings_rebuilds_what_shows_the_figures(tmp_path: Path) -> None:
    root = project(tmp_path)
    build(root, as_of=TODAY)
    path = root / "briefgen.yaml"
    path.write_text("sensitivity: {samples: 2000}\n" + path.read_text())
    result = build(root, as_of=TODAY)
    assert "outputs/test-memo/working-level.md" in result.written
    assert "outputs/test-memo/partner.md" not in result.written


# ---------------------------------------------------------------- reproducible


FIGURES_SCRIPT = """
import dataclasses, datetime, json, sys
import briefgen
from briefgen.analysis.assemble import assemble
brief = briefgen.load(sys.argv[1])
memo = brief.spec.memos[0]
fig = assemble(brief, memo, "working-level", datetime.date(2026, 11, 23)).sensitivity
print(json.dumps(dataclasses.asdict(fig), default=str, sort_keys=True))
"""


def test_figures_do_not_depend_on_the_hash_seed() -> None:
    def run(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", FIGURES_SCRIPT, str(REPO)], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    first, second = run("1"), run("4242")
    assert first == second
    figures = json.loads(first)
    assert figures["summary"].startswith("The recommended option ranks first in 54% of random weightings")
    assert figures["smallest"]["threshold"] == pytest.approx(6 / 11)


def test_words_for_a_tie_and_for_a_single_allowed_weighting(tmp_path: Path) -> None:
    tie = build_tree(tmp_path / "tie", {})  # alpha and beta have the same scores
    assert getattr(figures(tie, "working-level"), "summary", "") == (
        "The recommended option ties for first with Option beta at the stated weights and ranks first in 50% of "
        "random weightings (Option beta in 50%); no change to one weight alone displaces it."
    )
    fixed = project(tmp_path / "fixed")
    path = fixed / "briefgen.yaml"
    text = path.read_text().replace("weight: 0.6}", "weight: 0.6, weight_range: [0.6, 0.6]}")
    path.write_text(text.replace("weight: 0.4}", "weight: 0.4, weight_range: [0.3, 0.4]}"))
    fig = figures(fixed, "working-level")
    assert getattr(fig, "method", "") == "fixed"
    assert getattr(fig, "summary", "").startswith(
        "The recommended option ranks first at the only weighting the brief allows; "
    )
    assert "**Rank acceptability:** the ranks at the only weighting the brief allows." in glance(fixed, "working-level")
