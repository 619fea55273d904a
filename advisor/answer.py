"""`loracord ask`: retrieve the rules → let the LLM word the main one → check it → answer.

The facts always come from the rulebook. The LLM only rewords the best-matching rule in the question's
language; its reply is checked (advisor.checker) and replaced by the rule's own text when it adds,
changes or drops a number, setting or command, or answers in another language. A question with a
pasted error is diagnosed first, so the rules that explain the failure lead. Without an LLM the
answer is the rule text.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field, replace

from advisor.checker import check_reply, check_smalltalk
from advisor.coverage import Coverage, unknown_line
from advisor.diagnose import Diagnosis
from advisor.engine import Rule, Rulebook, load_rulebook
from advisor.i18n import normalize_lang, t
from advisor.intents import load_intents
from advisor.llm import AdvisorOptions, LLMReply, LLMUnavailable, LocalLLM
from advisor.planner import MIN_SCORE, choose
from advisor.retrieval import AdvisorIndex

MAX_LLM_SENTENCES = 2
# A pasted log can be long; the model needs only its start (the rules were already chosen from all of it).
MAX_PROMPT_QUESTION = 600
_SMALLTALK = re.compile(
    r"^\s*(hi|hello|hey|yo|good (morning|evening|night)|thanks?( you)?|thx|who are you|what can you do|"
    r"안녕|반가|고마|감사|수고|누구(야|세요|신가요)|뭘 할 수)",
    re.IGNORECASE,
)
_THANKS = re.compile(r"thank|thx|고마|감사|수고", re.IGNORECASE)
_LANG_NAME = {"en": "English", "ko": "Korean (한국어)"}


@dataclass(frozen=True)
class Answer:
    text: str
    lang: str
    rule_ids: tuple[str, ...]
    passage_ids: tuple[str, ...] = ()
    source: str = "rules"  # llm | rules | smalltalk | none
    fallback_reason: str | None = None  # why the LLM's wording was not used
    diagnosis: Diagnosis | None = None
    llm_seconds: float | None = None
    llm_tokens: int | None = None


@dataclass
class _Plan:
    question: str
    lang: str
    rules: list[Rule] = field(default_factory=list)
    passage_ids: list[str] = field(default_factory=list)
    diagnosis: Diagnosis | None = None
    smalltalk: bool = False
    notes: list[str] = field(default_factory=list)  # computed for the user's stated situation


class Advisor:
    """Answers questions from the rulebook and the guide; holds the index and the optional LLM."""

    def __init__(
        self,
        options: AdvisorOptions | None = None,
        rulebook: Rulebook | None = None,
        llm: LocalLLM | None = None,
    ) -> None:
        self.options = options or AdvisorOptions()
        self.rulebook = rulebook or load_rulebook()
        self._known: Coverage | None = None
        self.index = AdvisorIndex(self.rulebook)
        if llm is None and self.options.llm_enabled:
            llm = LocalLLM(self.options)
        self.llm = llm

    def close(self) -> None:
        """End the LLM's child processes (they also end when this process does)."""
        if self.llm is not None:
            self.llm.close()

    @property
    def llm_available(self) -> bool:
        return self.llm is not None and self.llm.available

    def _coverage(self) -> Coverage:
        if self._known is None:
            patterns = [p.pattern for i in load_intents() for p in (*i.en, *i.ko)]
            self._known = Coverage(self.rulebook, patterns)
        return self._known

    # --- planning: everything that needs no LLM ---------------------------------------------------
    def _plan(self, question: str, lang: str | None) -> _Plan:
        plan = _Plan(question=question.strip(), lang=normalize_lang(lang, question))
        if not plan.question:
            return plan
        choice = choose(plan.question, plan.lang, self.rulebook, self.index)
        plan.rules, plan.notes, plan.diagnosis = choice.rules, choice.notes, choice.diagnosis
        unknown = [] if choice.diagnosis else self._coverage().unknown_tools(plan.question)
        if unknown:  # a tool no rule knows: say so before the closest general advice
            plan.notes.insert(0, unknown_line(unknown, plan.lang))
        if not plan.rules and not plan.notes:
            plan.passage_ids = [h.ref for h in self.index.passages_for(plan.question) if h.score >= MIN_SCORE]
        plan.smalltalk = bool(_SMALLTALK.search(plan.question)) and not choice.intents and not plan.rules
        if plan.smalltalk:
            plan.rules, plan.passage_ids, plan.diagnosis, plan.notes = [], [], None, []
        return plan

    def _rule_text(self, plan: _Plan, skip_first: bool = False) -> str:
        rules = plan.rules[1:] if skip_first else plan.rules
        parts = [] if skip_first else list(plan.notes)
        parts += [f"- {r.render(plan.lang, with_problem=False)}" for r in rules]
        if not skip_first and not plan.rules and plan.passage_ids:
            parts.append(self.index.passages[plan.passage_ids[0]].text(plan.lang))
        return "\n".join(parts)

    def _facts_text(self, plan: _Plan) -> str:
        """Everything the LLM may state: the rule it words (both languages), the computed lines and
        the question. A number from another rule is refused too: '1000' belongs to the steps rule, not
        to the out-of-memory rule the model was asked to word."""
        parts = [plan.question[:MAX_PROMPT_QUESTION], *plan.notes]  # the part of it the model saw
        if plan.rules:
            parts += [plan.rules[0].render("en"), plan.rules[0].render("ko")]
        return "\n".join(parts)

    def _messages(self, plan: _Plan) -> list[dict[str, str]]:
        language = _LANG_NAME[plan.lang]
        if plan.smalltalk:
            system = (
                f"You are loracord's friendly assistant for training LoRA image models. Answer in {language}, "
                "in one or two short sentences. Offer help with datasets, captions, training settings or errors."
            )
            return [
                {"role": "system", "content": system},
                {"role": "user", "content": plan.question[:MAX_PROMPT_QUESTION]},
            ]
        main = plan.rules[0].text(plan.lang)
        system = (
            f"You rewrite advice for a user in {language}. Keep every number and setting name exactly as "
            "written. Do not add any number, setting or command. Two or three sentences."
        )
        user = (
            f"Question: {plan.question[:MAX_PROMPT_QUESTION]}\n\nAdvice: {main.problem} {main.recommendation} {main.reason}\n\n"
            f"Rewrite the advice as an answer to the question, in {language}."
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    # --- assembling the answer --------------------------------------------------------------------
    def _without_llm(self, plan: _Plan, reason: str | None) -> Answer:
        if not plan.question:
            return Answer(t("no_answer", plan.lang), plan.lang, (), source="none", fallback_reason=reason)
        if plan.smalltalk:
            key = "thanks" if _THANKS.search(plan.question) else "smalltalk"
            return Answer(t(key, plan.lang), plan.lang, (), source="smalltalk", fallback_reason=reason)
        if not plan.rules and not plan.passage_ids:
            return Answer(t("no_answer", plan.lang), plan.lang, (), source="none", fallback_reason=reason)
        body = self._rule_text(plan)
        if plan.diagnosis is not None:
            # The diagnosis already words its own rules; add only the rules retrieval found besides.
            lines = plan.diagnosis.render().splitlines()
            extra = [
                f"- {r.render(plan.lang, with_problem=False)}"
                for r in plan.rules
                if r.id not in plan.diagnosis.rule_ids
            ]
            body = "\n".join([ln for ln in lines if not ln.startswith(t("sources", plan.lang) + ":")] + extra)
        return self._finish(plan, body, "rules", reason, None)

    def _finish(
        self, plan: _Plan, body: str, source: str, reason: str | None, reply: LLMReply | None
    ) -> Answer:
        ids = tuple(r.id for r in plan.rules)
        if ids:
            body = f"{body}\n{t('sources', plan.lang)}: {', '.join(ids)}"
        return Answer(
            text=body.strip(),
            lang=plan.lang,
            rule_ids=ids,
            passage_ids=tuple(plan.passage_ids),
            source=source,
            fallback_reason=reason,
            diagnosis=plan.diagnosis,
            llm_seconds=reply.seconds if reply else None,
            llm_tokens=reply.completion_tokens if reply else None,
        )

    def _with_reply(self, plan: _Plan, reply: LLMReply | None) -> Answer:
        if reply is None:
            return self._without_llm(plan, "the LLM did not answer in time")
        if plan.smalltalk:
            verdict = check_smalltalk(reply.text, plan.lang)
            if not verdict.ok:
                answer = self._without_llm(plan, verdict.reason)
                return _with_timing(answer, reply)
            return Answer(
                reply.text,
                plan.lang,
                (),
                source="smalltalk",
                llm_seconds=reply.seconds,
                llm_tokens=reply.completion_tokens,
            )
        main = plan.rules[0].text(plan.lang)
        lead = first_sentences(reply.text, MAX_LLM_SENTENCES)
        verdict = check_reply(
            lead, self._facts_text(plan), main.recommendation, plan.lang, pushes=plan.rules[0].pushes
        )
        if not verdict.ok:
            return _with_timing(self._without_llm(plan, verdict.reason), reply)
        # The checked wording leads; the rules follow verbatim. A small model can pass every check
        # and still mislead (measured: docs/advisor.md), so it never replaces the facts.
        body = f"{lead}\n{self._rule_text(plan)}"
        return self._finish(plan, body, "llm", None, reply)

    def _llm_for(self, plan: _Plan, use_llm: bool | None) -> LocalLLM | None:
        """The LLM when this question should be worded by it, else None."""
        if use_llm is False or not self.llm_available or not plan.question:
            return None
        if not self.options.writes(plan.lang):
            return None
        return self.llm if plan.smalltalk or plan.rules else None

    def _no_llm_reason(self, plan: _Plan, use_llm: bool | None) -> str | None:
        if use_llm is False:
            return None
        if not self.llm_available:
            reason = self.llm.unavailable_reason() if self.llm is not None else None
            return reason or "no LLM available"
        if not self.options.writes(plan.lang):
            return f"the LLM does not write {plan.lang}"
        return None

    def ask(
        self,
        question: str,
        lang: str | None = None,
        use_llm: bool | None = None,
        max_tokens: int | None = None,
    ) -> Answer:
        """Blocking answer (command line, tests, a worker thread)."""
        prepared = self._prepare(question, lang, use_llm)
        if isinstance(prepared, Answer):
            return prepared
        plan, llm = prepared
        try:
            reply = llm.chat(self._messages(plan), max_tokens=max_tokens)
        except (LLMUnavailable, TimeoutError) as exc:
            return self._without_llm(plan, str(exc))
        return self._with_reply(plan, None if reply.timed_out else reply)

    async def ask_async(
        self,
        question: str,
        lang: str | None = None,
        use_llm: bool | None = None,
        max_tokens: int | None = None,
    ) -> Answer:
        """Like `ask`, without blocking the caller's event loop: the rule search, the diagnosis and
        the reply check run in a worker thread (searching a long pasted log takes a good part of a
        second), and inference runs in a child process under the concurrency limit and time limit."""
        prepared = await asyncio.to_thread(self._prepare, question, lang, use_llm)
        if isinstance(prepared, Answer):
            return prepared
        plan, llm = prepared
        try:
            reply = await llm.achat(self._messages(plan), max_tokens=max_tokens)
        except (LLMUnavailable, TimeoutError) as exc:
            return await asyncio.to_thread(self._without_llm, plan, str(exc))
        return await asyncio.to_thread(self._with_reply, plan, None if reply.timed_out else reply)

    def _prepare(
        self, question: str, lang: str | None, use_llm: bool | None
    ) -> Answer | tuple[_Plan, LocalLLM]:
        """The plan and the LLM that words it, or the finished answer when no LLM is used."""
        plan = self._plan(question, lang)
        llm = self._llm_for(plan, use_llm)
        if llm is None:
            return self._without_llm(plan, self._no_llm_reason(plan, use_llm))
        return plan, llm


def first_sentences(text: str, count: int) -> str:
    """The first `count` sentences: a tiny model's later sentences drift furthest from the facts."""
    parts = re.split(r"(?<=[.!?。])\s+", " ".join(text.split()))
    return " ".join(parts[:count]).strip()


def _with_timing(answer: Answer, reply: LLMReply) -> Answer:
    return replace(answer, llm_seconds=reply.seconds, llm_tokens=reply.completion_tokens)
