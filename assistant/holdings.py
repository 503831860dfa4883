"""The reports an index holds, with what every question reads of them built once per commit.

Reading a question looks at every report: which agency names occur in it, which years each agency has, which
agency a fragment may name. Done by scanning the report list, that costs a few milliseconds per question per
thousand reports (3,000 reports: 11 ms for the names alone, 90 ms for a narrative question's content words).
:class:`Holdings` is a list of :class:`ReportInfo` carrying :class:`Views` — the agencies, their years and a
:class:`NameIndex` of their names' forms — built on first use and shared by every copy the
:class:`~assistant.assistant.Assistant` hands out until the index sees a commit. A plain list passed to the
reader gets its views built for that call (the same answers, without the reuse).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from ingest import agency as agency_names
from ingest.index import ReportInfo
from ingest.text import key


class NameIndex:
    """The forms of the known agencies' names (``agency_names.forms``, as matching keys), indexed by their first two
    characters; and which agencies' forms hold a given character."""

    def __init__(self, known: tuple[tuple[str, tuple[str, ...]], ...]):
        self.known = known
        self.form_keys: list[tuple[str, ...]] = []  # per agency: its form keys, longest first
        self._by_head: dict[str, list[tuple[str, int]]] = {}
        self._short: list[tuple[str, int]] = []  # one-character keys (none in practice)
        self._chars: dict[str, set[int]] = {}
        raw: set[str] = set()
        self._raw_by_head: dict[str, list[tuple[int, str]]] = {}
        for i, (agency, variants) in enumerate(known):
            forms = set().union(*(agency_names.forms(n) for n in (agency, *variants)))
            raw |= forms
            for f in sorted(forms):
                if f:
                    self._raw_by_head.setdefault(f[0], []).append((i, f))
            keys = tuple(sorted({key(f) for f in forms}, key=len, reverse=True))
            self.form_keys.append(keys)
            for k in keys:
                if len(k) >= 2:
                    self._by_head.setdefault(k[:2], []).append((k, i))
                elif k:
                    self._short.append((k, i))
                for ch in k:
                    self._chars.setdefault(ch, set()).add(i)
        self._raw_joined = "\0".join(sorted(raw))
        self._number = {agency: i for i, (agency, _) in enumerate(known)}
        # the keys of every form of two characters or more, for covering names in a text (longest first)
        self._cover: dict[str, list[str]] = {}
        for k in {key(f) for f in raw}:
            if len(k) >= 2:
                self._cover.setdefault(k[:2], []).append(k)
        for ks in self._cover.values():
            ks.sort(key=len, reverse=True)

    @cached_property
    def grams(self) -> dict[str, tuple[int, ...]]:
        """Two-character runs of each agency's names (as keys) -> the agencies (numbers) holding them."""
        out: dict[str, set[int]] = {}
        for i, (agency, variants) in enumerate(self.known):
            for n in (agency, *variants):
                k = key(n)
                for j in range(len(k) - 1):
                    out.setdefault(k[j:j + 2], set()).add(i)
        return {g: tuple(v) for g, v in out.items()}

    def keys_of(self, agency: str) -> tuple[str, ...]:
        """The matching keys of an agency's name forms, longest first (none for an agency not held)."""
        i = self._number.get(agency)
        return self.form_keys[i] if i is not None else ()

    def find(self, qk: str) -> list[tuple[int, int, int]]:
        """(start, end, agency number) of each known agency named in ``qk``: its longest form found, at that
        form's first occurrence; in order of position."""
        best: dict[int, tuple[int, int]] = {}
        for i in range(len(qk)):
            cands = self._by_head.get(qk[i:i + 2], ()) if i + 1 < len(qk) else ()
            for k, a in (*cands, *self._short):
                if qk.startswith(k, i):
                    got = best.get(a)
                    if got is None or len(k) > got[1] - got[0]:
                        best[a] = (i, i + len(k))
        return sorted((s, e, a) for a, (s, e) in best.items())

    def cover(self, text: str, mark: str = "，") -> str:
        """``text`` with every known name's form (2+ characters) replaced by ``mark``, longer forms first."""
        spans: list[tuple[int, int]] = []
        for i in range(len(text) - 1):
            for k in self._cover.get(text[i:i + 2], ()):
                if text.startswith(k, i):
                    spans.append((i, i + len(k)))
        taken: list[tuple[int, int]] = []
        for s, e in sorted(spans, key=lambda x: (x[0] - x[1], x[0])):
            if not any(a < e and s < b for a, b in taken):
                taken.append((s, e))
        out, at = [], 0
        for s, e in sorted(taken):
            out += [text[at:s], mark]
            at = e
        return "".join(out) + text[at:]

    def forms_starting(self, prefix: str) -> list[tuple[int, str]]:
        """(agency number, form as written) of the forms that start with ``prefix``."""
        return [(i, f) for i, f in self._raw_by_head.get(prefix[:1], ()) if f.startswith(prefix)] if prefix else []

    def in_a_form(self, word: str) -> bool:
        """Whether ``word`` occurs inside any known name's form (as written, not as a key)."""
        return "\0" not in word and word in self._raw_joined

    def holding_all(self, chars: str) -> list[int]:
        """Agencies (numbers, in order) whose forms' keys hold every character of ``chars``: what a fragment
        naming an agency by its levels, its head or its characters in order must satisfy."""
        sets = [self._chars.get(ch, set()) for ch in set(chars)]
        if not sets:
            return list(range(len(self.known)))
        sets.sort(key=len)
        out = set(sets[0])
        for s in sets[1:]:
            out &= s
            if not out:
                break
        return sorted(out)


class Views:
    """What questions read of a list of reports, each built on first use."""

    def __init__(self, infos: Iterable[ReportInfo]):
        self._infos = tuple(infos)

    @cached_property
    def known(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(agency, the name variants of all its reports, sorted), one per agency, in order of first report."""
        variants: dict[str, set[str]] = {}
        for r in self._infos:
            variants.setdefault(r.agency, set()).update(r.agency_variants)
        return tuple((a, tuple(sorted(v))) for a, v in variants.items())

    @cached_property
    def years(self) -> frozenset[int]:
        return frozenset(r.year for r in self._infos)

    @cached_property
    def years_by_agency(self) -> dict[str, frozenset[int]]:
        out: dict[str, set[int]] = {}
        for r in self._infos:
            out.setdefault(r.agency, set()).add(r.year)
        return {a: frozenset(ys) for a, ys in out.items()}

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex(self.known)

    def years_of(self, agencies: Iterable[str] | None) -> frozenset[int]:
        """Years held for these agencies (every year when none is named)."""
        ags = list(agencies or ())
        if not ags:
            return self.years
        return frozenset().union(*(self.years_by_agency.get(a, frozenset()) for a in ags))

    def select(self, agencies: Iterable[str] | None, years: Iterable[int] | None) -> list[ReportInfo]:
        """The reports of these agencies and years (all of either when none is named), in list order."""
        ags, yrs = set(agencies or ()), set(years or ())
        if not ags:
            return [i for i in self._infos if not yrs or i.year in yrs]
        at = sorted(n for a in ags for n in self._positions.get(a, ()))
        return [self._infos[n] for n in at if not yrs or self._infos[n].year in yrs]

    @cached_property
    def _positions(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for n, r in enumerate(self._infos):
            out.setdefault(r.agency, []).append(n)
        return out


class Holdings(list):
    """A list of :class:`ReportInfo` with its :class:`Views`; changing the list drops them."""

    def __init__(self, items: Iterable[ReportInfo] = (), views: Views | None = None):
        super().__init__(items)
        self._views = views

    @property
    def views(self) -> Views:
        if self._views is None:
            self._views = Views(self)
        return self._views

    def _changed(self) -> None:
        self._views = None


def _dropping(name: str):
    base = getattr(list, name)

    def method(self, *args, **kwargs):
        self._changed()
        return base(self, *args, **kwargs)

    method.__name__ = name
    return method


for _name in ("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
              "__setitem__", "__delitem__", "__iadd__", "__imul__"):
    setattr(Holdings, _name, _dropping(_name))


def views_of(reports: Iterable[ReportInfo]) -> Views:
    """The views of a report list: shared when it is a :class:`Holdings`, built now otherwise."""
    return reports.views if isinstance(reports, Holdings) else Views(reports)
