"""A LangChain ``BaseRetriever`` over ReportQA's hybrid retrieval, so users can
plug it into their own chains. LangChain types stay here, at the edge."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.reader import read
from assistant.retrieval import hybrid_search


class ReportQARetriever(BaseRetriever):
    """Returns report passages (and table-row chunks) with their source reference as metadata.

    The question's agency and year, when it names them, filter the search,
    exactly as in ``Assistant.ask``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assistant: Any
    k: int = 4
    include_rows: bool = True

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        infos = self.assistant.reports()
        a = read(query, infos)
        scope = {i.report_id for i in infos if (not a.agencies or i.agency in a.agencies)
                 and (not a.years or i.year in a.years)}
        kinds = ("text", "row") if self.include_rows else ("text",)
        hits = hybrid_search(self.assistant.index, self.assistant.settings, query, scope or None, kinds=kinds)
        out = []
        for h in hits[: self.k]:
            c = h.chunk
            out.append(Document(page_content=c.text, metadata={
                "chunk_id": c.id, "report_id": c.report_id, "agency": c.agency, "year": c.year, "source": c.source,
                "section": c.section, "table": c.table, "row": c.row_label, "page": c.page, "kind": c.kind,
                "score": h.score}))
        return out
