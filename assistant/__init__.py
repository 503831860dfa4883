"""ReportQA assistant: question -> retrieval + table lookups -> Answer with citations."""

from assistant.models import Answer, Citation, Evidence

__all__ = ["Answer", "Assistant", "Citation", "Evidence"]


def __getattr__(name: str):
    if name == "Assistant":  # lazy: importing the models must not load the index stack
        from assistant.assistant import Assistant

        return Assistant
    raise AttributeError(name)
