"""Plain-text renderings imitating the seeds' text-extraction layouts.

- ``tab``      (seeds 001/003/004): tab-separated cells, one table row per line.
- ``space``    (seed 002): cells separated by spaces; long labels wrap, their numbers
  then stand on a line of their own; group labels split over two rows.
- ``vertical`` (seed 000): narrow columns extracted one character per line, labels
  wrapped every few characters with blank lines between, a page number inside the
  table, and sometimes the numbers in the middle of a wrapped label.
"""

from __future__ import annotations

import random

from .document import Heading, Para, Signature, T2Table, T3Table, T4Table, Title

LAYOUTS = ("tab", "space", "vertical")


def wrap(text: str, width: int) -> list[str]:
    """Hard-wrap every ``width`` characters, never between two digits."""
    out: list[str] = []
    cur = ""
    for ch in text:
        if len(cur) >= width and not (ch.isdigit() and cur[-1:].isdigit()) and ch not in "，。、；：）)":
            out.append(cur)
            cur = ""
        cur += ch
    if cur:
        out.append(cur)
    return out


# ---------------------------------------------------------------- layout (a): tabs


def _tab_t2(t: T2Table) -> list[str]:
    lines: list[str] = []
    for b in t.blocks:
        width = max(4, len(b.header))
        lines.append(b.item_label + "\t" * (width - 1))
        lines.append("\t".join(b.header) + "\t" * (width - len(b.header)))
        for label, vals in b.rows:
            lines.append("\t".join([label, *vals]) + "\t" * (width - 1 - len(vals)))
    return lines


def _tab_t3(rng: random.Random, t: T3Table) -> list[str]:
    c = t.columns
    lines = [
        f"{t.note}\t\t申请人情况\t\t\t\t\t\t总计\t",
        f"\t\t{c[0]}\t法人或其他组织\t\t\t\t\t\t",
        "\t\t\t" + "\t".join(c[1:6]) + "\t\t",
    ]
    results_first = rng.choice([t.results_label, "三、本 年 度 办", "三、本年度办理结果"])
    # seed 004: from some row on, the empty leading cell is lost
    result_rows = [i for i, r in enumerate(t.rows) if r.kind != "top"]
    cut = rng.choice(result_rows[len(result_rows) // 2:]) if rng.random() < 0.4 else 10**6
    first_result = True
    for i, r in enumerate(t.rows):
        vals = "\t".join(r.values)
        if r.kind == "top":
            lines.append(f"{r.top}\t\t{vals}\t")
            continue
        lead = results_first if first_result else ""
        first_result = False
        drop = i >= cut  # the empty first cell is lost (seed 004)
        if r.kind == "group":
            cells = [r.group, ""] if drop else [lead, r.group]
        else:
            g = r.group if r.first_in_group else ""
            if not drop:
                cells = [lead, g, r.leaf]
            elif g:
                cells = [g, r.leaf]
            else:
                cells = [r.leaf, ""]
        lines.append("\t".join(cells) + "\t" + vals + ("\t" if r.kind == "group" and not drop else ""))
        if rng.random() < 0.04:
            lines.append("")
    return lines


def _tab_t4(t: T4Table, values_line: bool) -> list[str]:
    five = "\t".join(x if x == "总计" else f"{x[:2]} {x[2:]}" for x in t.columns)
    lines = [
        "行政复议\t\t\t\t\t行政诉讼" + "\t" * 9,
        f"{five}\t未经复议直接起诉\t\t\t\t\t复议后起诉\t\t\t\t",
        "\t\t\t\t\t" + five + "\t" + five,
    ]
    if values_line:
        lines.append("\t".join(t.values))
    return lines


def _render_tab(rng: random.Random, doc: list) -> str:
    out: list[str] = ["", ""]
    for el in doc:
        if isinstance(el, Title):
            if len(el.lines) == 2 and rng.random() < 0.5:
                out += [el.lines[0], "", "".join(el.lines)]
            else:
                out.append(" ".join(el.lines) if rng.random() < 0.5 else "".join(el.lines))
            out.append("")
        elif isinstance(el, Heading):
            out += [el.text, ""]
        elif isinstance(el, Para):
            out += [el.text, ""]
        elif isinstance(el, T2Table):
            out += _tab_t2(el) + [""]
        elif isinstance(el, T3Table):
            out += _tab_t3(rng, el) + [""]
        elif isinstance(el, T4Table):
            out += _tab_t4(el, any(v != "" for v in el.values)) + [""]
        elif isinstance(el, Signature):
            out += el.lines
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- layout (b): spaces


def _space_t2(t: T2Table) -> list[str]:
    lines: list[str] = []
    for b in t.blocks:
        lines += [b.item_label, "", " ".join(b.header), ""]
        for label, vals in b.rows:
            lines += [" ".join([label, *vals]).rstrip(), ""]
    return lines


def _space_row(label: str, vals: list[str], width: int = 30) -> list[str]:
    nums = " ".join(vals).strip()
    if len(label) <= width:
        return [f"{label} {nums}".rstrip()]
    parts = wrap(label, width)
    return [parts[0], ""] + parts[1:-1] + [parts[-1]] + ([nums] if nums else [])


def _space_t3(rng: random.Random, t: T3Table) -> list[str]:
    lines = [t.note, "", "申请人情况", "", "自然人", "", "法人或其他组织", "", "总计", "商业企业 科研机构", "",
             "社会公益", "", "组织", "", "法律服务", "", "机构", "其他", ""]
    first_result = True
    carry: dict[str, str] = {}  # group -> the rest of its label, printed on its second row (seed 002)
    for r in t.rows:
        nums = " ".join(r.values).strip()
        if r.kind == "top":
            lines += [f"{r.top} {nums}".rstrip(), ""]
            continue
        if first_result:
            lines += ["三、本年度办理", "", "结果"] if rng.random() < 0.6 else [t.results_label]
            first_result = False
        if r.kind == "group":
            lines += _space_row(r.group, r.values, 40) + [""]
            continue
        g = r.group
        if r.first_in_group:
            mode = rng.choice(["split", "lines", "inline"])
            close = g.index("）") if "）" in g else g.index(")")
            cut = close + 3  # "（三）不予" | "公开"
            if mode == "split":
                lines += _space_row(f"{g[:cut].strip()} {r.leaf}", r.values, 44)
                carry[g] = g[cut:]
            elif mode == "lines":
                lines += [g[:cut].strip(), "", g[cut:], ""] + _space_row(r.leaf, r.values)
            else:
                lines += _space_row(f"{g} {r.leaf}", r.values, 44)
        elif g in carry:
            lines += _space_row(f" {carry.pop(g)} {r.leaf}", r.values, 44)
        else:
            lines += _space_row(r.leaf, r.values)
        lines.append("")
    return lines


def _space_t4(t: T4Table, values_line: bool) -> list[str]:
    five = " ".join(t.columns)
    lines = ["行政复议 行政诉讼", "", five, "未经复议直接起诉 复议后起诉", "", f"{five} {five}", ""]
    if values_line:
        lines += [" ".join(t.values), ""]
    return lines


def _render_space(rng: random.Random, doc: list) -> str:
    out: list[str] = [""]
    width = rng.choice([60, 64, 66])
    for el in doc:
        if isinstance(el, Title):
            out += ["".join(el.lines), ""]
        elif isinstance(el, Heading):
            out += ["", el.text] if el.level == 1 else [el.text]
        elif isinstance(el, Para):
            out += wrap(el.text, width)
        elif isinstance(el, T2Table):
            out += [""] + _space_t2(el)
        elif isinstance(el, T3Table):
            out += [""] + _space_t3(rng, el)
        elif isinstance(el, T4Table):
            out += [""] + _space_t4(el, any(v != "" for v in el.values))
        elif isinstance(el, Signature):
            out += [""] + el.lines
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- layout (c): vertical


def _vertical_label(rng: random.Random, label: str, vals: list[str], width: int) -> list[str]:
    nums = " ".join(vals).strip()
    parts = wrap(label, width)
    if len(parts) == 1:
        return [f"{label} {nums}".rstrip(), ""]
    if nums and len(parts) == 2 and rng.random() < 0.3:
        # seed 000: "2.没有现成信息需 0 0 0 0 0 0 0" / " 要另行制作"
        return [f"{parts[0]} {nums}", f" {parts[1]}", ""]
    out: list[str] = []
    for p in parts[:-1]:
        out += [p, ""]
    out.append(parts[-1])
    if nums:
        if rng.random() < 0.3:
            out.append("")
        out.append(nums)
    out.append("")
    return out


def _vertical_t3(rng: random.Random, t: T3Table, page_no: int) -> list[str]:
    lines = wrap(t.note, 16)
    lines = [x for p in lines for x in (p, "")]
    lines += ["申请人情况", "", "自然", "", "人", "", "法人或其他组织", "", "总计商业", "", "企业", "", "科研", "", "机构", "",
              "社会", "", "公益", "", "组织", "", "法律", "", "服务", "", "机构", "", "其", "", "他", ""]
    results = [i for i, r in enumerate(t.rows) if r.kind != "top"]
    page_at = rng.choice(results[1:])
    first_result = True
    for i, r in enumerate(t.rows):
        if i == page_at:
            lines += ["", "", str(page_no), ""]
        nums = " ".join(r.values).strip()
        if r.kind == "top":
            lines += [(" " if i == 1 else "") + f"{r.top} {nums}".rstrip()]
            lines.append("" if i != 0 else "")
            continue
        if first_result:
            lines += list(t.results_label) + [""]
            first_result = False
        if r.kind == "group":
            lines += _vertical_label(rng, r.group, r.values, 14)
            continue
        if r.first_in_group:
            cut = r.group.index("）") + 1 if "）" in r.group else r.group.index(")") + 1
            lines += [r.group[:cut].strip(), "", r.group[cut:].strip(), ""]
        lines += _vertical_label(rng, r.leaf, r.values, rng.choice([8, 9]))
    return lines


def _vertical_t4(t: T4Table, values_line: bool) -> list[str]:
    lines = ["行政复议 行政诉讼", ""]
    for c in t.columns[:4]:
        lines += [c[:2], "", c[2:], ""] if c != "结果维持" else ["结果维", "", "持", ""]
    lines += ["总", "计", "", "未经复议直接起诉 复议后起诉", ""]
    for _ in range(2):
        for c in t.columns:
            for ch in c:
                lines += [ch, ""]
    if values_line:
        lines += [" ".join(t.values), ""]
    return lines


def _vertical_t2(t: T2Table) -> list[str]:
    lines: list[str] = []
    for b in t.blocks:
        lines += [b.item_label, "", b.header[0] + " " + "".join(b.header[1:]), ""]
        for label, vals in b.rows:
            lines += [" ".join([label, *vals]).rstrip(), ""]
    return lines


def _render_vertical(rng: random.Random, doc: list) -> str:
    out: list[str] = [""]
    width = rng.choice([26, 28, 29])
    page = 1
    n_lines = 0
    for el in doc:
        if isinstance(el, Title):
            if len(el.lines) == 2:
                out += el.lines
            else:
                out += [el.lines[0]]
            out.append("")
        elif isinstance(el, Heading):
            out += [(" " if el.level == 1 and rng.random() < 0.3 else "") + el.text, ""]
        elif isinstance(el, Para):
            for ln in wrap(el.text, width):
                out += [ln, ""]
                n_lines += 1
                if n_lines % 24 == 0:
                    out += ["", ""]  # a page break: blank lines (seed 000)
                    page += 1
        elif isinstance(el, T2Table):
            out += _vertical_t2(el)
        elif isinstance(el, T3Table):
            page += 1
            out += _vertical_t3(rng, el, page)
        elif isinstance(el, T4Table):
            out += _vertical_t4(el, any(v != "" for v in el.values))
        elif isinstance(el, Signature):
            out += el.lines
    return "\n".join(out) + "\n"


def render_text(rng: random.Random, doc: list, layout: str) -> str:
    if layout == "tab":
        return _render_tab(rng, doc)
    if layout == "space":
        return _render_space(rng, doc)
    if layout == "vertical":
        return _render_vertical(rng, doc)
    raise ValueError(f"unknown txt layout {layout!r}")
