"""Merging a save from an article form opened before someone else saved.

Three snapshots, each shaped like ``revisions.snapshot()``: *base*, the version
the form was opened from; *theirs*, the piece as it stands now; *mine*, what the
form posted. Field by field:

- changed only by me: mine is saved;
- changed only by them (or by nobody): theirs is kept, so a field the person
  saving never touched can never revert anyone else's change;
- changed by both to the same value: theirs is kept, which is also mine;
- changed by both to different values: a conflict; nothing is saved until the
  person chooses, per field, to keep mine or theirs.

Pure functions over those dicts: no database, no request.
"""

import difflib
import html
import re
from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.revisions import FIELDS, LABELS, as_lines
from newsroom.sanitizer import sanitize_html

MINE, THEIRS = "mine", "theirs"
CHOICES = {MINE: "keep mine", THEIRS: "keep theirs"}


@dataclass(frozen=True)
class MergeResult:
    take_mine: frozenset[str]  # fields whose posted value is saved
    take_theirs: frozenset[str]  # fields only others changed: their value is kept
    conflicts: tuple[str, ...] = ()  # fields both changed differently, in form order


def comparable(name: str, value):
    """A field's value reduced to what a reader would notice, so that an editor
    re-serialising the same text, or ids carrying new labels, is not a change."""
    if value is None:
        return None
    if name == "authors":
        return tuple(a["id"] for a in value)  # order matters: it is the byline
    if name == "further_reading":
        return tuple(sorted(piece["id"] for piece in value))
    if name == "tags":
        return tuple(sorted(value))
    if isinstance(value, dict):
        return value["id"]
    if name == "body":
        # Stored bodies are sanitized on save; the editor may post the same
        # markup with other whitespace between or inside the blocks.
        return re.sub(r">\s+<", "><", " ".join(sanitize_html(value).split()))
    # Browsers post textarea line breaks as CRLF.
    return str(value).replace("\r\n", "\n").strip()


def three_way(base: dict | None, theirs: dict, mine: dict) -> MergeResult:
    """Decide, for each field ``mine`` holds, whose value the save keeps.

    A field missing from ``base`` (a snapshot older than the field, or no
    snapshot at all) is unknown: if theirs and mine differ, either person may
    have changed it, so the person saving is asked rather than guessed for.
    """
    take_mine, take_theirs, conflicts = set(), set(), []
    for name, _label in FIELDS:
        if name not in mine:
            continue
        now, posted = comparable(name, theirs.get(name)), comparable(name, mine[name])
        if now == posted:
            continue
        if base is None or name not in base:
            conflicts.append(name)
            continue
        opened = comparable(name, base[name])
        if now == opened:
            take_mine.add(name)
        elif posted == opened:
            take_theirs.add(name)
        else:
            conflicts.append(name)
    return MergeResult(frozenset(take_mine), frozenset(take_theirs), tuple(conflicts))


def resolve(result: MergeResult, choices: dict[str, str]) -> MergeResult:
    """The merge once the person has chosen, for every conflicting field, mine or theirs.

    Raises ``ValueError`` naming the fields without a valid choice.
    """
    missing = [name for name in result.conflicts if choices.get(name) not in CHOICES]
    if missing:
        raise ValueError(missing)
    mine = {name for name in result.conflicts if choices[name] == MINE}
    theirs = set(result.conflicts) - mine
    return MergeResult(result.take_mine | mine, result.take_theirs | theirs)


def changed_by(base: dict | None, newer: list[tuple[str, dict]]) -> dict[str, list[str]]:
    """Who changed each field in the versions saved since ``base``, in order of saving."""
    names: dict[str, list[str]] = {}
    before = base or {}
    for who, after in newer:
        for name, _label in FIELDS:
            if name not in after:
                continue
            if comparable(name, before.get(name)) != comparable(name, after[name]):
                people = names.setdefault(name, [])
                if who not in people:
                    people.append(who)
        before = after
    return names


def joined(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def kept_message(kept: list[str], who: dict[str, list[str]], compare_url: str) -> SafeString:
    """What the person saving is told after an automatic merge, linking to the comparison.

    ``kept`` are the fields only others changed, in form order.
    """
    by_people: dict[str, list[str]] = {}
    for name in kept:
        people = joined(who.get(name) or ["Someone"])
        by_people.setdefault(people, []).append(LABELS[name])
    said = "; ".join(f"{names} changed the {joined(labels)}" for names, labels in by_people.items())
    kept_what = f"their {LABELS[kept[0]]} is kept" if len(kept) == 1 else "their changes are kept"
    return format_html(
        "{} since you opened this piece; {} and your changes are saved. "
        '<a href="{}">Compare the versions</a>.',
        said,
        kept_what,
        compare_url,
    )


# -- showing a conflict --------------------------------------------------------


@dataclass
class Segment:
    kind: Literal["equal", "deleted", "inserted"]
    text: str


def words(body: str) -> list[str]:
    """The words of rich text, tags stripped, a newline token between blocks."""
    out: list[str] = []
    for block in as_lines("body", body or ""):
        if out:
            out.append("\n")
        out.extend(html.unescape(block).split())
    return out


def word_diff(old: str, new: str) -> list[Segment]:
    """Rich text compared word by word: runs kept, removed from ``old``, added in ``new``."""
    before, after = words(old), words(new)
    segments: list[Segment] = []

    def add(kind, tokens):
        if tokens:
            segments.append(Segment(kind, " ".join(tokens).replace(" \n ", "\n")))

    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("equal", before[i1:i2])
        else:
            add("deleted", before[i1:i2])
            add("inserted", after[j1:j2])
    return segments


@dataclass
class Conflict:
    """One conflicting field as the form shows it: both values, and the choice."""

    name: str
    label: str
    theirs: list[str]  # lines a person reads
    mine: list[str]
    who: str
    chosen: str = ""
    theirs_diff: list[Segment] = field(default_factory=list)  # body only: kept and removed
    mine_diff: list[Segment] = field(default_factory=list)  # body only: kept and added


def conflict(name: str, theirs: dict, mine: dict, who: list[str], chosen: str = "") -> Conflict:
    shown = Conflict(
        name=name,
        label=LABELS[name],
        theirs=as_lines(name, theirs.get(name)),
        mine=as_lines(name, mine.get(name)),
        who=joined(who or ["Someone"]),
        chosen=chosen if chosen in CHOICES else "",
    )
    if name == "body":
        segments = word_diff(theirs.get(name) or "", mine.get(name) or "")
        shown.theirs_diff = [s for s in segments if s.kind != "inserted"]
        shown.mine_diff = [s for s in segments if s.kind != "deleted"]
    return shown
