"""Synthetic corpus generator: realistic 政府信息公开工作年度报告 with ground truth.

    from eval.synth import generate, gold_from_truth
    reports = generate(100, Path("/tmp/synth"), seed=1, formats=("txt", "pdf"), violations=0.1, blank=0.05)
    gold = gold_from_truth([r.truth for r in reports])

Each report ``<name>.<ext>`` gets ``<name>.truth.json`` beside it (``SynthTruth``);
``generate`` also writes ``<out_dir>/gold.jsonl``.
"""

from .generate import FORMATS, generate
from .gold import gold_from_truth, write_gold
from .model import NarrativeFact, SynthReport, SynthTruth, TruthCell, Violation

__all__ = [
    "FORMATS",
    "NarrativeFact",
    "SynthReport",
    "SynthTruth",
    "TruthCell",
    "Violation",
    "generate",
    "gold_from_truth",
    "write_gold",
]
