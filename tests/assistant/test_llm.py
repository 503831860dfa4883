"""Optional LLM phrasing (assistant.llm): the model may phrase, never invent.

Fake LangChain chat models cover the verification and fallback rules; a stdlib
HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol runs the
real langchain-openai client (non-streaming and SSE streaming). No test touches
the network beyond 127.0.0.1.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult

from assistant import llm
from assistant.llm import (
    W_INVENTED,
    W_NO_CITATION,
    W_REFUSED,
    get_chat_model,
    llm_enabled,
    phrase,
    stream_phrase,
    stream_summarise,
    summarise,
    summary_base,
    verify,
)
from assistant.models import Answer, Citation, Evidence
from ingest.errors import ModelUnavailableError
from ingest.settings import Settings
from tests.assistant.openai_fixture_server import OpenAIFixtureServer, Reply

try:  # restrict sockets to 127.0.0.1 when pytest-socket is installed (it is in the dev extra)
    import pytest_socket  # noqa: F401

    pytestmark = [pytest.mark.allow_hosts(["127.0.0.1"])]
except ImportError:  # pragma: no cover
    pytestmark = []

QUESTION = "淮安市人民政府2024年本年新收政府信息公开申请多少件？"

EV_NEW = Evidence(kind="cell", report_id="r-ha-2024", agency="淮安市人民政府", year=2024, source="szfgs2024.pdf",
                  page=4, section="三、收到和处理政府信息公开申请情况", table="表三",
                  row="一、本年新收政府信息公开申请数量", row_key="new", column="总计", column_key="total",
                  value="3119", number=3119, quote="一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119")
EV_PUBLIC = Evidence(kind="cell", report_id="r-ha-2024", agency="淮安市人民政府", year=2024, source="szfgs2024.pdf",
                     page=4, section="三、收到和处理政府信息公开申请情况", table="表三",
                     row="（一）予以公开", row_key="granted", column="总计", column_key="total",
                     value="1,520", number=1520, quote="（一）予以公开 1400 60 0 0 50 10 1520")
EV_TEXT = Evidence(kind="text", report_id="r-ha-2024", agency="淮安市人民政府", year=2024, source="szfgs2024.pdf",
                   page=1, section="一、总体情况 / （二）依申请公开情况",
                   quote="2024年，市政府办公室依法办理政府信息公开申请，答复率保持在98.6%。")
EVIDENCE = [EV_NEW, EV_PUBLIC, EV_TEXT]
# In the index but not retrieved for this question: must never reach the model.
EV_OTHER = Evidence(kind="text", report_id="r-hz-2024", agency="洪泽区人民政府", year=2024, source="hz2024.pdf",
                    page=2, section="一、总体情况", quote="洪泽区全年新收政府信息公开申请95件，办结率百分之百。")

FAITHFUL = "2024年，淮安市人民政府本年新收政府信息公开申请3,119件[1]，其中予以公开1520件[2]。"


def make_base(answerable: bool = True) -> Answer:
    """The deterministic answer whose citations[i] corresponds to EVIDENCE[i]."""
    if not answerable:
        return Answer(question="淮安市2030年收到多少申请？", answer="语料中没有淮安市2030年的年报，无法回答。",
                      answerable=False, warnings=[])
    return Answer(question=QUESTION, answer="淮安市人民政府2024年本年新收政府信息公开申请3119件。[1]",
                  answerable=True, value=3119,
                  citations=[Citation.from_evidence(n, ev) for n, ev in enumerate(EVIDENCE, start=1)],
                  warnings=["表四：某一行未填报"], intent="cell", agency="淮安市人民政府", year=2024)


def settings(**kw: Any) -> Settings:
    defaults: dict[str, Any] = {"llm": "none", "llm_base_url": None, "llm_api_key": None, "llm_timeout": 5.0}
    defaults.update(kw)
    return Settings(**defaults)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_API_BASE", "OLLAMA_HOST",
                 "LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2", "LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("LLM", "LLM_BASE_URL", "LLM_API_KEY", "LLM_TIMEOUT"):
        monkeypatch.delenv("REPORTQA_" + name, raising=False)
    llm.clear_model_cache()
    yield
    llm.clear_model_cache()


# ---------------------------------------------------------------- fake models with behaviour


class RecordingModel(GenericFakeChatModel):
    """Answers from ``messages`` and remembers what it was sent."""

    seen: list[list[BaseMessage]] = []

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        self.seen.append(list(messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


class BoomModel(GenericFakeChatModel):
    """Raises on every call."""

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        raise ConnectionError("endpoint refused the connection")


class StalledModel(GenericFakeChatModel):
    """Never answers until ``release`` is set (a hung server)."""

    release: Any = None

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        self.release.wait(60)
        raise RuntimeError("released")


def recording(*replies: str) -> RecordingModel:
    return RecordingModel(messages=iter([AIMessage(content=r) for r in replies]), seen=[])


@pytest.fixture
def release() -> Iterator[threading.Event]:
    ev = threading.Event()
    yield ev
    ev.set()


# ---------------------------------------------------------------- configuration


def test_llm_enabled_reads_the_setting() -> None:
    assert not llm_enabled(settings())
    assert not llm_enabled(settings(llm="None"))
    assert not llm_enabled(None)
    assert llm_enabled(settings(llm="openai:deepseek-chat"))
    assert llm_enabled(settings(llm="ollama:qwen2.5:7b"))


def test_default_settings_mean_no_model_and_untouched_answers() -> None:
    base = make_base()
    assert phrase(QUESTION, base, EVIDENCE, settings()) == base
    assert list(stream_phrase(QUESTION, base, EVIDENCE, settings())) == [base]
    assert summarise("总结一下淮安市2024年依申请公开的情况", EVIDENCE, settings()) is None
    assert stream_summarise("总结", EVIDENCE, settings()) is None


@pytest.mark.parametrize("spec", ["gpt-4o", "openai:", "anthropic:claude", ":x"])
def test_bad_spec_is_a_clear_config_error(spec: str) -> None:
    with pytest.raises(ModelUnavailableError, match="REPORTQA_LLM"):
        get_chat_model(settings(llm=spec))


def test_none_spec_refuses_to_build() -> None:
    with pytest.raises(ModelUnavailableError, match="no language model"):
        get_chat_model(settings())


def test_openai_model_is_configured_and_cached() -> None:
    s = settings(llm="openai:deepseek-chat", llm_base_url="https://api.deepseek.com/v1", llm_api_key="sk-x",
                 llm_timeout=7.5)
    chat = get_chat_model(s)
    assert type(chat).__name__ == "ChatOpenAI"
    assert chat.model_name == "deepseek-chat"  # type: ignore[attr-defined]
    assert chat.openai_api_base == "https://api.deepseek.com/v1"  # type: ignore[attr-defined]
    assert chat.request_timeout == 7.5  # type: ignore[attr-defined]
    assert chat.max_retries == 0  # type: ignore[attr-defined]
    assert get_chat_model(s) is chat


def test_openai_env_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "https://dashscope.aliyuncs.com/compatible-mode/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    chat = get_chat_model(settings(llm="openai:qwen-plus"))
    assert chat.openai_api_base == "https://dashscope.aliyuncs.com/compatible-mode/v1"  # type: ignore[attr-defined]
    assert chat.openai_api_key.get_secret_value() == "sk-env"  # type: ignore[attr-defined]


def test_openai_without_key_is_a_clear_config_error() -> None:
    with pytest.raises(ModelUnavailableError, match="REPORTQA_LLM_API_KEY"):
        get_chat_model(settings(llm="openai:deepseek-chat", llm_base_url="https://api.deepseek.com/v1"))


def test_ollama_model_is_configured() -> None:
    chat = get_chat_model(settings(llm="ollama:qwen2.5:7b", llm_base_url="http://127.0.0.1:11434", llm_timeout=9))
    assert type(chat).__name__ == "ChatOllama"
    assert chat.model == "qwen2.5:7b"  # type: ignore[attr-defined]
    assert chat.base_url == "http://127.0.0.1:11434"  # type: ignore[attr-defined]
    assert chat.client_kwargs == {"timeout": 9.0}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("spec", "module"), [("openai:m", "langchain_openai"), ("ollama:m", "langchain_ollama")])
def test_missing_extra_gives_install_hint(monkeypatch: pytest.MonkeyPatch, spec: str, module: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    with pytest.raises(ModelUnavailableError, match=r"pip install 'reportqa\[llm\]'"):
        get_chat_model(settings(llm=spec, llm_api_key="k"))


def test_missing_extra_falls_back_with_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "langchain_openai", None)
    base = make_base()
    out = phrase(QUESTION, base, EVIDENCE, settings(llm="openai:m", llm_api_key="k"))
    assert out.answer == base.answer
    assert "reportqa[llm]" in out.warnings[-1]


# ---------------------------------------------------------------- verification with fake models


def test_faithful_answer_passes_with_its_citations() -> None:
    base = make_base()
    model = recording(FAITHFUL)
    out = phrase(QUESTION, base, EVIDENCE, settings(), model=model)
    assert out.answer == FAITHFUL
    assert [c.id for c in out.citations] == [1, 2]  # ids stable, limited to those cited
    assert out.citations[0] == base.citations[0] and out.citations[1] == base.citations[1]
    assert out.value == 3119 and out.answerable and out.intent == "cell"
    assert out.warnings == base.warnings  # nothing to add
    assert base.answer != out.answer  # base untouched


def test_fake_list_chat_model_faithful_answer() -> None:
    model = FakeListChatModel(responses=["答复率保持在98.6%【3】，新收申请３１１９件［1］。"])
    out = phrase(QUESTION, make_base(), EVIDENCE, settings(), model=model)
    assert out.answer == "答复率保持在98.6%[3]，新收申请3119件[1]。"  # markers and digits normalised
    assert [c.id for c in out.citations] == [1, 3]


def test_invented_number_falls_back_with_warning() -> None:
    base = make_base()
    out = phrase(QUESTION, base, EVIDENCE, settings(), model=recording("淮安市2024年新收申请3200件[1]。"))
    assert out.answer == base.answer and out.citations == base.citations
    assert out.warnings == [*base.warnings, W_INVENTED]


def test_number_from_uncited_evidence_falls_back() -> None:
    # 1520 is evidence [2]'s value, but the sentence cites only [1]
    out = phrase(QUESTION, make_base(), EVIDENCE, settings(), model=recording("予以公开1520件[1]。"))
    assert out.warnings[-1] == W_INVENTED


def test_row_quote_numbers_are_not_table_values() -> None:
    # 3001 is in the cell's row quote (another column), not its value: table numbers come from the cells
    out = phrase(QUESTION, make_base(), EVIDENCE, settings(), model=recording("自然人申请3001件[1]。"))
    assert out.warnings[-1] == W_INVENTED


def test_unknown_citation_id_alone_is_stripped_and_kept() -> None:
    base = make_base()
    out = phrase(QUESTION, base, EVIDENCE, settings(), model=recording("新收申请3119件[1][7]，详见[9]。"))
    assert out.answer == "新收申请3119件[1]，详见。"
    assert [c.id for c in out.citations] == [1]
    assert out.warnings[:-1] == base.warnings
    assert "[7][9]" in out.warnings[-1] and "已删除" in out.warnings[-1]


def test_unknown_citation_id_with_invented_number_falls_back() -> None:
    base = make_base()
    out = phrase(QUESTION, base, EVIDENCE, settings(), model=recording("新收申请3119件[1]，办结4000件[8]。"))
    assert out.answer == base.answer
    assert out.warnings[-1] == W_INVENTED


def test_answer_without_citations_falls_back() -> None:
    out = phrase(QUESTION, make_base(), EVIDENCE, settings(), model=recording("新收申请3119件。"))
    assert out.warnings[-1] == W_NO_CITATION


def test_model_refusal_falls_back() -> None:
    out = phrase(QUESTION, make_base(), EVIDENCE, settings(), model=recording("证据不足"))
    assert out.warnings[-1] == W_REFUSED


def test_years_and_ordinals_of_question_and_evidence_are_allowed() -> None:
    text = "2024年情况如下：\n1. 新收申请3119件[1]；\n2、答复率98.6%[3]。"
    clean, cited, warnings = verify(QUESTION, text, EVIDENCE)  # list numbering is not a claim
    assert cited == [1, 3] and warnings == []
    sectioned = EV_TEXT.model_copy(update={"section": "一、总体情况 / 第3部分"})
    verify(QUESTION, "见第3部分[1]。", [EV_NEW, sectioned])  # an ordinal of any evidence, even uncited
    with pytest.raises(llm.PhrasingRejected):
        verify(QUESTION, "见第4部分[1]。", [EV_NEW, sectioned])
    with pytest.raises(llm.PhrasingRejected):
        verify(QUESTION, "2019年新收申请3119件[1]。", EVIDENCE)  # a year found nowhere


def test_computed_values_of_the_deterministic_answer_are_allowed() -> None:
    base = make_base().model_copy(update={"answer": "新收3119件[1]，予以公开1520件[2]，其余1599件。"})
    out = phrase(QUESTION, base, EVIDENCE, settings(), model=recording("新收3119件[1]，公开1520件[2]，其余1599件。"))
    assert out.warnings == base.warnings and "1599" in out.answer


def test_think_blocks_are_removed() -> None:
    model = recording("<think>用户问3200？我先想想。</think>新收申请3119件[1]。")
    out = phrase(QUESTION, make_base(), EVIDENCE, settings(), model=model)
    assert out.answer == "新收申请3119件[1]。"


def test_unanswerable_base_is_returned_without_calling_the_model() -> None:
    base = make_base(answerable=False)
    model = recording("不该被调用[1]")
    assert phrase(base.question, base, [], settings(), model=model) is base
    assert list(stream_phrase(base.question, base, [], settings(), model=model)) == [base]
    assert model.seen == []


def test_model_receives_only_the_numbered_evidence() -> None:
    model = recording(FAITHFUL)
    phrase(QUESTION, make_base(), EVIDENCE, settings(), model=model)
    (messages,) = model.seen
    assert [m.type for m in messages] == ["system", "human"]
    system, user = messages[0].text, messages[1].text
    assert "[n]" in system or "[1]" in system
    assert "证据不足" in system
    assert QUESTION in user
    assert "[1] 淮安市人民政府" in user and "数值：3119" in user
    assert "[2] 淮安市人民政府" in user and "数值：1,520" in user
    assert "[3] 淮安市人民政府" in user and EV_TEXT.quote in user
    assert "[4]" not in user
    assert EV_OTHER.quote not in user and "洪泽" not in user
    assert EV_NEW.quote not in user  # the row's other columns are not sent
    assert "szfgs2024.pdf" not in user  # file names, pages: not needed by the model


# ---------------------------------------------------------------- errors and timeouts


def test_model_error_falls_back_quickly_with_warning() -> None:
    base = make_base()
    started = time.monotonic()
    out = phrase(QUESTION, base, EVIDENCE, settings(), model=BoomModel(messages=iter([])))
    assert time.monotonic() - started < 2
    assert out.answer == base.answer
    assert "语言模型调用失败" in out.warnings[-1] and "ConnectionError" in out.warnings[-1]


def test_stalled_model_times_out(release: threading.Event) -> None:
    base = make_base()
    started = time.monotonic()
    out = phrase(QUESTION, base, EVIDENCE, settings(llm_timeout=0.3), model=StalledModel(messages=iter([]),
                                                                                           release=release))
    assert time.monotonic() - started < 3
    assert out.answer == base.answer
    assert "没有回答" in out.warnings[-1]


def test_stalled_stream_times_out(release: threading.Event) -> None:
    base = make_base()
    started = time.monotonic()
    items = list(stream_phrase(QUESTION, base, EVIDENCE, settings(llm_timeout=0.3),
                               model=StalledModel(messages=iter([]), release=release)))
    assert time.monotonic() - started < 3
    assert isinstance(items[-1], Answer) and items[-1].answer == base.answer
    assert "没有回答" in items[-1].warnings[-1]


def test_error_mid_stream_falls_back() -> None:
    model = FakeListChatModel(responses=["新收申请3119件[1]。"], error_on_chunk_number=3)
    items = list(stream_phrase(QUESTION, make_base(), EVIDENCE, settings(), model=model))
    final = items[-1]
    assert isinstance(final, Answer) and final.answer == make_base().answer
    assert "语言模型调用失败" in final.warnings[-1]
    assert all(isinstance(x, str) for x in items[:-1])


# ---------------------------------------------------------------- streaming with fake models


def test_stream_yields_deltas_then_verified_answer() -> None:
    model = FakeListChatModel(responses=[FAITHFUL])  # streams character by character
    items = list(stream_phrase(QUESTION, make_base(), EVIDENCE, settings(), model=model))
    deltas, final = items[:-1], items[-1]
    assert len(deltas) > 5 and all(isinstance(d, str) for d in deltas)
    assert "".join(deltas) == FAITHFUL  # type: ignore[arg-type]
    assert isinstance(final, Answer) and final.answer == FAITHFUL
    assert [c.id for c in final.citations] == [1, 2]


def test_stream_with_invented_number_ends_in_fallback() -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage(content="新收申请 3200件[1]， 较上年 增长。")]))
    items = list(stream_phrase(QUESTION, make_base(), EVIDENCE, settings(), model=model))
    assert len(items) > 2  # split on whitespace by the fake model
    final = items[-1]
    assert isinstance(final, Answer) and final.answer == make_base().answer
    assert final.warnings[-1] == W_INVENTED


def test_stream_hides_reasoning() -> None:
    model = FakeListChatModel(responses=["<think>3200?</think>新收申请3119件[1]。"])
    items = list(stream_phrase(QUESTION, make_base(), EVIDENCE, settings(), model=model))
    assert "".join(x for x in items if isinstance(x, str)) == "新收申请3119件[1]。"
    assert isinstance(items[-1], Answer) and items[-1].answer == "新收申请3119件[1]。"


# ---------------------------------------------------------------- summaries across reports

EV_2023 = Evidence(kind="cell", report_id="r-ha-2023", agency="淮安市人民政府", year=2023, source="szfgs2023.pdf",
                   page=4, table="表三", row="一、本年新收政府信息公开申请数量", row_key="new", column="总计",
                   column_key="total", value="2876", number=2876)
EV_HZ = Evidence(kind="cell", report_id="r-hz-2024", agency="洪泽区人民政府", year=2024, source="hz2024.pdf",
                 page=3, table="表三", row="一、本年新收政府信息公开申请数量", row_key="new", column="总计",
                 column_key="total", value="95", number=95)
SUMMARY_Q = "总结一下淮安市2024年依申请公开的情况"


def test_summary_base_lists_evidence_per_agency_and_year() -> None:
    base = summary_base(SUMMARY_Q, [EV_NEW, EV_2023, EV_HZ])
    assert base.answerable and base.intent == "summary"
    assert "淮安市人民政府 2024年" in base.answer and "淮安市人民政府 2023年" in base.answer
    assert "洪泽区人民政府 2024年" in base.answer and "95 [3]" in base.answer
    assert [c.id for c in base.citations] == [1, 2, 3]
    empty = summary_base(SUMMARY_Q, [])
    assert not empty.answerable and empty.citations == []


def test_summary_faithful() -> None:
    text = "淮安市人民政府2024年新收申请3119件[1]，2023年为2876件[2]；洪泽区2024年新收95件[3]。"
    out = summarise(SUMMARY_Q, [EV_NEW, EV_2023, EV_HZ], settings(), model=recording(text))
    assert out is not None and out.answer == text and out.warnings == []
    assert [c.id for c in out.citations] == [1, 2, 3] and out.value is None


def test_summary_with_computed_number_falls_back_to_evidence_list() -> None:
    # the model computes a difference (243) that is in no evidence: not allowed
    text = "2024年新收3119件[1]，比2023年的2876件[2]多243件。"
    out = summarise(SUMMARY_Q, [EV_NEW, EV_2023], settings(), model=recording(text))
    assert out is not None and out.warnings == [W_INVENTED]
    assert out.answer == summary_base(SUMMARY_Q, [EV_NEW, EV_2023]).answer


def test_summary_without_evidence_does_not_call_the_model() -> None:
    model = recording("淮安市很好[1]")
    out = summarise(SUMMARY_Q, [], settings(), model=model)
    assert out is not None and not out.answerable and model.seen == []


def test_stream_summary() -> None:
    text = "淮安市人民政府2024年新收申请3119件[1]。"
    gen = stream_summarise(SUMMARY_Q, [EV_NEW, EV_2023], settings(), model=FakeListChatModel(responses=[text]))
    assert gen is not None
    items = list(gen)
    assert "".join(x for x in items if isinstance(x, str)) == text
    assert isinstance(items[-1], Answer) and [c.id for c in items[-1].citations] == [1]


# ---------------------------------------------------------------- a real OpenAI-compatible HTTP server


def server_settings(srv: OpenAIFixtureServer, timeout: float = 5.0) -> Settings:
    return settings(llm="openai:fake-model", llm_base_url=srv.base_url, llm_api_key="test", llm_timeout=timeout)


def test_openai_server_non_streaming_faithful() -> None:
    with OpenAIFixtureServer([Reply(FAITHFUL)]) as srv:
        out = phrase(QUESTION, make_base(), EVIDENCE, server_settings(srv))
    assert out.answer == FAITHFUL and [c.id for c in out.citations] == [1, 2]
    assert len(srv.requests) == 1
    req = srv.requests[0]
    assert req.path == "/v1/chat/completions"
    assert req.headers.get("authorization") == "Bearer test"
    assert req.body["model"] == "fake-model" and not req.body.get("stream")


def test_openai_server_request_holds_only_the_evidence() -> None:
    with OpenAIFixtureServer([Reply(FAITHFUL)]) as srv:
        phrase(QUESTION, make_base(), EVIDENCE, server_settings(srv))
    body = srv.requests[0].body
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user"]
    system, user = (m["content"] for m in body["messages"])
    assert "证据" in system and "[1]" in system and "证据不足" in system
    # the evidence, each with its id
    assert "[1] 淮安市人民政府｜2024年度报告｜表三｜行：一、本年新收政府信息公开申请数量｜列：总计｜数值：3119" in user
    assert "[2] 淮安市人民政府｜2024年度报告｜表三｜行：（一）予以公开｜列：总计｜数值：1,520" in user
    assert f"[3] 淮安市人民政府｜2024年度报告｜一、总体情况 / （二）依申请公开情况｜原文：“{EV_TEXT.quote}”" in user
    # nothing else from the index
    raw = json.dumps(body, ensure_ascii=False)
    for absent in (EV_OTHER.quote, "洪泽", "95件", EV_NEW.quote, "szfgs2024.pdf", "r-ha-2024", EV_NEW.id):
        assert absent not in raw
    # every line of the user message is the question, an evidence line, the reference answer or instructions
    lines = [ln for ln in user.splitlines() if ln.strip()]
    evidence_lines = [ln for ln in lines if ln.startswith("[")]
    assert len(evidence_lines) == 3
    other = [ln for ln in lines if not ln.startswith("[")]
    assert other[0] == f"问题：{QUESTION}" and other[1] == "证据："
    assert make_base().answer in other


def test_openai_server_streaming_sse() -> None:
    with OpenAIFixtureServer([Reply(FAITHFUL, chunks=6)]) as srv:
        items = list(stream_phrase(QUESTION, make_base(), EVIDENCE, server_settings(srv)))
    assert srv.requests[0].body.get("stream") is True
    deltas = [x for x in items if isinstance(x, str)]
    assert len(deltas) >= 3 and "".join(deltas) == FAITHFUL
    final = items[-1]
    assert isinstance(final, Answer) and final.answer == FAITHFUL and [c.id for c in final.citations] == [1, 2]


def test_openai_server_streaming_invented_number_falls_back() -> None:
    with OpenAIFixtureServer([Reply("新收申请31190件[1]。")]) as srv:
        items = list(stream_phrase(QUESTION, make_base(), EVIDENCE, server_settings(srv)))
    final = items[-1]
    assert isinstance(final, Answer) and final.answer == make_base().answer and final.warnings[-1] == W_INVENTED


def test_openai_server_error_falls_back_without_retry() -> None:
    with OpenAIFixtureServer([Reply(status=500)]) as srv:
        started = time.monotonic()
        out = phrase(QUESTION, make_base(), EVIDENCE, server_settings(srv))
        elapsed = time.monotonic() - started
    assert elapsed < 3 and len(srv.requests) == 1  # max_retries=0
    assert out.answer == make_base().answer and "语言模型调用失败" in out.warnings[-1] and "500" in out.warnings[-1]


@pytest.mark.parametrize("streaming", [False, True])
def test_openai_server_stall_times_out(streaming: bool) -> None:
    with OpenAIFixtureServer([Reply(FAITHFUL, delay=30)]) as srv:
        started = time.monotonic()
        if streaming:
            final = list(stream_phrase(QUESTION, make_base(), EVIDENCE, server_settings(srv, timeout=0.5)))[-1]
        else:
            final = phrase(QUESTION, make_base(), EVIDENCE, server_settings(srv, timeout=0.5))
        elapsed = time.monotonic() - started
    assert elapsed < 4
    assert isinstance(final, Answer) and final.answer == make_base().answer
    assert "没有回答" in final.warnings[-1]
    assert len(srv.requests) == 1


def test_openai_server_summary() -> None:
    text = "淮安市人民政府2024年新收申请3119件[1]，2023年为2876件[2]。"
    with OpenAIFixtureServer([Reply(text)]) as srv:
        out = summarise(SUMMARY_Q, [EV_NEW, EV_2023], server_settings(srv))
    assert out is not None and out.answer == text and out.warnings == []
    user = srv.requests[0].body["messages"][1]["content"]
    assert "[2] 淮安市人民政府｜2023年度报告" in user and "系统根据证据得出的答案" not in user
