"""BM25 tokens are cut block by block with a cache (ingest.stores.bm25.tokenize): they must be exactly what jieba
gives for the whole text, on real report text (the five seeds) and on the awkward bits real text carries."""

from __future__ import annotations

import jieba

from ingest.stores import bm25


def whole(text: str) -> list[str]:
    """The reference: jieba over the whole text at once, filtered as tokenize filters."""
    out = []
    for tok in jieba.lcut_for_search(text):
        tok = tok.strip().lower()
        if tok and tok not in bm25._STOP and not bm25._PUNCT.match(tok):
            out.append(tok)
    return out


def test_block_tokens_are_the_whole_texts_tokens(seed_paths):
    for p in seed_paths:
        text = p.read_text(encoding="utf-8")
        for line in text.splitlines():
            assert bm25.tokenize(line) == whole(line), line
        assert bm25.tokenize(text) == whole(text), p.name


def test_awkward_text():
    for text in ["", "  ", "表三 一、本年新收政府信息公开申请数量：自然人 3，商业企业 0，总计 3。",
                 "（二）部分公开 12 件；①网站 ②微信  ×  2.5% A-1 #3 +4 &5 _6",
                 "2021年1月5日\r\n淮安市人民政府办公室\t\t（印）", "ABC def 公开GOV信息123条", "，，。。；"]:
        assert bm25.tokenize(text) == whole(text), text
        assert bm25.tokenize(text) == whole(text), text  # the second time from the cache
