"""Choosing what answers a question: understand it first, then pick rules that apply and agree.

1. Read the facts the question states (GPU, VRAM, family, images, repeats, epochs, batch, ...).
2. Read its intents (advisor/intents.toml): the rules that answer that kind of question.
3. A pasted error adds the rules of its failure; a real log (several lines, a traceback) is
   diagnosed and rendered as a diagnosis, a question that only quotes an error stays a question.
4. Rules that hold on the stated facts come next; BM25 retrieval fills in only when nothing else did.
5. A rule is dropped when a stated fact contradicts its conditions, or when it pushes a setting
   against a rule already chosen (the first, more specific one wins).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice, takewhile

from advisor.applicability import contradicted
from advisor.diagnose import Diagnosis, diagnose
from advisor.directions import conflicts
from advisor.engine import Rule, Rulebook
from advisor.intents import Intent, match_spans
from advisor.notes import lr_direction, notes_for, steps_direction
from advisor.patterns import FAILURES
from advisor.question_facts import QuestionFacts, asks_about_batch, read_question
from advisor.question_numbers import asks_about_time
from advisor.ranking import Candidate, Relevance, load_ranker
from advisor.retrieval import AdvisorIndex, Hit

MAX_RULES = 4
#: Intents about generating images (not training): a quoted failure's training fixes stand aside for them.
GENERATING_INTENTS = frozenset({"infer_generation_oom", "everyday_b_upscale_to_print_size"})
#: ... and so do the intents about a training run's memory; the generating rules fill in only for them.
TRAINING_MEMORY_INTENTS = frozenset({"vram"})
GENERATING_RULES = frozenset({"infer.generation_oom"})
#: A loader's message quoted from a UI or diffusers (advisor/intents_uierrors.toml): the rules of the training
#: failure the same words name ("size mismatch": the base model of a training run) stand aside for them.
LOADER_MESSAGE_INTENTS = frozenset(
    {
        "uierrors_diffusers_keys",
        "uierrors_tensor_size",
        "uierrors_diffusers_invalid_checkpoint",
        "uierrors_a1111_module_type",
    }
)
#: Intents about generating images (advisor/intents_generation.toml: samplers, CFG, prompt syntax, inpainting,
#: upscaling...; each is ruled out when the question speaks of training). When one matches, they lead, and the
#: rules about a training run stand aside: "which sampler and scheduler for SDXL" got the training lr_scheduler
#: rule first, "(word:1.3) vs [word]" the weak-trigger rule (issue 21, part generation).
DRAWING_INTENT_PREFIX = "generation_"
NO_EFFECT = re.compile(r"no_effect|not_learned|^underfit$")  # intents of a LoRA that shows too little
USING_INTENT_PREFIXES = (DRAWING_INTENT_PREFIX, "infer_", "webui_")  # using a LoRA in a UI, not training one
TRAINING_ONLY_PARTS = (
    "train.",
    "captions.",
    "dataset.",
    "dataprep.",
    "kohya.",
    "args.",
    "gui.",
    "dsconfig.",
    "optimizer.",
    "scheduler.",
    "reg.",
    "sample.",
    "loss.",
    "noise.",
    "te.",
    "recipe.",
    "method.",
    "flux.",
    "results.",
    "network.",
    "alpha.",
    "aug.",
    "onetrainer.",
    "trainers.",
    "notebooks.",
    "tuners.",
    "scripts.",
    "diffpipe.",
    "lyco.",
    "lycoris.",
    "finetune.",
    "dreambooth.",
    "oom.",
    "memory.",
    "vram.",
)
TRAINING_MEMORY_PARTS = ("oom.", "train.", "memory.", "vram.")
#: The rules about generating (rulebook_generation.toml) fill in from the search only for a question that does
#: not speak of training: their words (steps, CFG, resolution, denoise) are also a training run's.
GENERATION_PARTS = ("gen.",)
_TRAINING_TALK = re.compile(
    r"\b(train\w*|kohya\w*|sd-scripts|onetrainer|dataset\w*|captions?|epochs?|fine-?tun\w*|dreambooth|learning rate"
    r"|repeats)\b|학습|트레이닝|데이터셋|캡션|에폭|에포크|러닝 ?레이트|드림부스",
    re.IGNORECASE,
)
#: The fifteenth round's rules about one app or trainer each (rulebook_apps_*.toml) answer only through their
#: intents, which name the tool: one file holds dozens of tools, so no single gate pattern fits them all.
#: uierrors' two broad message rules speak of every UI and its updates: only their intents bring them (as fills they
#: took the place of a ComfyUI update answer).
INTENT_ONLY_PARTS = ("apps.", "uierrors.message_map", "uierrors.a1111_module_type")
# Below this BM25 score a match is a coincidence of common words: no rule applies.
MIN_SCORE = 3.0
#: BM25's best rules, appended after the intents' specific rules ("fill"). Measured once on round 3
#: while it was still unseen (bench/bench_advisor_semantic.py): +4 right answers per language over the
#: intents alone (en 37 -> 41, ko 35 -> 39 of 65); adopted before round 4 was scored (docs/advisor.md).
BM25_FILL = 3
#: A fill scores at least this share of the best rule's BM25 score (as `AdvisorIndex.rules` keeps by default):
#: below it the shared words are the question's common ones ("config.invalid" filled a NaN answer). Measured
#: 2026-12-07 on the tune and retired rounds: 49 of 1,886 answers lose a fill or take a closer one, retired en
#: 653 -> 654, the rest unchanged.
FILL_MIN_RATIO = 0.45
#: Rule files about one tool (a generating UI's screens and nodes, the community front-ends, the diffusers
#: library): BM25 meets them through shared words ("face", "mask", "batch") in questions about something
#: else. A search hit from one of them counts only when the question names the tool (a ComfyUI node for a
#: question that never mentions ComfyUI is noise). The gui. and scripts. files are not gated: their rules
#: often carry facts of sd-scripts in general.
_COMFY = r"comfy|컴피|\bnodes?\b|노드|workflow|워크플로"
_WEBUI = r"a1111|automatic|webui|web ui|웹 ?ui|forge|포지"
# The front-ends' own rules (rulebook_trainers.toml, and the twelfth round's rulebook_notebooks.toml) fill in
# only when the question names a front-end.
_FRONT_ENDS = re.compile(
    r"colab|코랩|notebook|노트북|kaggle|civitai|씨비타이|시비타이|buzz|버즈|replicate|리플리케이트|onetrainer"
    r"|원트레이너|easy.?training|이지 ?트레이닝|derrian|lastben|라스트 ?벤|dreambooth|드림부스|linaqruf|kohya"
    r"|코햐|\bgui\b|utilit|유틸|runpod|런팟|vast|cloud|클라우드",
    re.I,
)
_COMFY_RE = re.compile(_COMFY, re.I)
_ONETRAINER = re.compile(r"one ?trainer|원 ?트레이너", re.I)
_AITK = re.compile(r"ai[- ]?toolkit|에이아이 ?툴킷|ai ?툴킷|aitk|ostris", re.I)
_SIMPLETUNER = re.compile(r"simple ?tuner|심플 ?튜너", re.I)
_SWARM = re.compile(r"swarm|스웜", re.I)
_FOOOCUS = re.compile(r"fooocus|푸커스", re.I)
TOOL_PARTS = {
    "comfy.": _COMFY_RE,
    "webui.": re.compile(_WEBUI + r"|자동1111|오토1111|sd\.?next", re.I),
    "trainers.": _FRONT_ENDS,
    "notebooks.": _FRONT_ENDS,
    # The other trainers' rules (rulebook_tuners.toml) fill in only when the question names one of them.
    "tuners.": re.compile(
        r"ai[- ]?toolkit|에이아이 ?툴킷|ai ?툴킷|aitk|ostris|simple ?tuner|심플 ?튜너|diffusers|디퓨저|dreambooth_lora"
        r"|text_to_image|every ?dream|에브리 ?드림|stable ?tuner|스테이블 ?튜너|trainers?\b|학습기|트레이너|runpod|런팟",
        re.I,
    ),
    # The twelfth round's tool files: A1111/Forge extensions, ComfyUI's LoRA nodes, the other generating apps,
    # and OneTrainer fill in only when the question names that tool.
    "webext.": re.compile(
        _WEBUI + r"|additional ?networks?|addnet|block ?weight|\blbw\b"
        r"|adetailer|애디테일러|regional ?prompter|리전|agent ?scheduler|inpaint ?anything|supermerger|model ?toolkit"
        r"|controlnet|컨트롤넷|extension|확장",
        re.I,
    ),
    "comfylora.": re.compile(_COMFY + r"|strength_(?:clip|model)", re.I),
    "genapps.": re.compile(
        r"fooocus|푸커스|sd\.?next|sd ?넥스트|swarm|스웜|invoke|인보크|efficiency|dynamic ?prompts?|다이나믹"
        r"|civitai ?helper|autocomplete|자동 ?완성|x/?y/?z|prompt ?s/r|\blcm\b|lightning|라이트닝|hyper-?sd|\btcd\b"
        r"|dmd2|turbo|터보|power ?prompt|wildcards?|와일드카드",
        re.I,
    ),
    "onetrainer.": _ONETRAINER,
    # diffusion-pipe's rules: its cached captions and epoch arithmetic shared "caption", "epoch", "steps" with
    # questions about sd-scripts.
    "diffpipe.": re.compile(r"diffusion[- _]?pipe|디퓨전 ?파이프|tdrussell", re.I),
    # Rules about one trainer or app inside the broader files (gui., scripts., uiuse.: their other rules carry
    # sd-scripts' or the UIs' facts in general and stay ungated): a OneTrainer field answered a question about
    # SDXL's learning rate, a SimpleTuner dataset rule "how many images".
    "gui.ot_": _ONETRAINER,
    "scripts.ot_": _ONETRAINER,
    "gui.aitk_": _AITK,
    "scripts.aitk_": _AITK,
    "scripts.st_": _SIMPLETUNER,
    "scripts.diffusers_": re.compile(
        r"diffusers|디퓨저|peft|train_(?:dreambooth|text_to_image)\w*|accelerate|hugging ?face|허깅 ?페이스",
        re.I,
    ),
    "uiuse.swarm_": _SWARM,
    "uiuse.fooocus_": _FOOOCUS,
    "uiuse.comfy_": _COMFY_RE,
    # The tenth round's tool files: ComfyUI's custom-node packs and the other generating apps
    # (rulebook_nodes.toml), and the A1111/Forge extensions (rulebook_ext.toml). Their texts share "face",
    # "region", "character", "batch" with any question: a regional-sampler rule answered overfitting.
    # One installer's rule inside the node-pack files: its text is all "models folder", "Stability Matrix" and
    # "ComfyUI", so it filled in for a question about LoRA subfolders.
    # Lightning-merged checkpoints: its text is all "steps", "CFG", "checkpoint", "LoRA weight", so it filled in for
    # "how many images and steps".
    "models.lightning_": re.compile(r"lightning|라이트닝|turbo|터보|\blcm\b|hyper-?sd|distill|증류", re.I),
    "nodes.easyinstall_": re.compile(r"easy[- _]?install|models?[- _]?linker|이지 ?인스톨|모델 ?링커", re.I),
    "nodes.": re.compile(
        _COMFY + r"|rgthree|impact|inspire|animatediff|ipadapter|ip-adapter|faceid|swarm|스웜|fooocus|푸커스"
        r"|sd\.?next|sd ?넥스트|invoke|인보크|krita|크리타|nunchaku|wan ?video|xlabs|easy.?use|civitai|시비타이|씨비타이"
        r"|torch\.?compile|lora ?manager|로라 ?매니저|extra_model_paths|detailer|디테일러|preview|미리 ?보기",
        re.I,
    ),
    "ext.": re.compile(
        _WEBUI
        + r"|extension|확장|block ?weight|\blbw\b|additional ?networks?|addnet|composable|latent ?couple"
        r"|regional|리전|forge ?couple|loractl|wildcards?|와일드카드|supermerger|슈퍼머저|model ?toolkit|animatediff"
        r"|control-?lora|컨트롤 ?로라|faceid|autocomplete|자동 ?완성|never ?oom|tagger|태거|civitai|시비타이|씨비타이"
        r"|adetailer|애디테일러|deep ?shrink|tag ?editor|태그 ?에디터|reactor|리액터|dyn=|te=|unet=",
        re.I,
    ),
    # The rule on warnings that are safe to ignore fills in only when the question quotes a warning or
    # message (its text shares "training", "images", "samples" with any question: it answered overfitting).
    "trouble.harmless_warnings": re.compile(
        r"warn|deprecat|requires_grad|not used when|typedstorage|use_reentrant|triton|message|경고|메시지|메세지"
        r"|(?:뜨|나오)는데|떠요|뜹니다",
        re.I,
    ),
    # The diffusers/peft library's rules (rulebook_diffusers.toml) fill in only when the question is about code.
    "diffusers.": re.compile(
        r"diffusers|디퓨저|peft|pipe\b|pipeline|파이프라인|python|파이썬|hugging ?face|허깅 ?페이스|from_pretrained"
        r"|torch\.|compel|[a-z]+_[a-z_]+\(",
        re.I,
    ),
}


# sd-scripts' and the kohya_ss GUI's own rules (their option names, dataset TOML, GUI fields). A question about
# another trainer that never names kohya gets none of them from the search: a OneTrainer or EveryDream2 question
# was answered with kohya flags the asker's trainer does not have (person judges, tenth session). Intents still
# route to them.
KOHYA_PARTS = ("args.", "kohya.", "gui.", "dsconfig.")
_OTHER_TRAINER = re.compile(
    r"one ?trainer|원 ?트레이너|ai[- ]?toolkit|에이아이 ?툴킷|ai ?툴킷|aitk|ostris|simple ?tuner|심플 ?튜너"
    r"|every ?dream|에브리 ?드림|diffusion[- _]?pipe|디퓨전 ?파이프|stable ?tuner|스테이블 ?튜너|musubi|무수비|뮤수비"
    r"|train_(?:dreambooth|text_to_image)\w*\.py|hcp[- ]?diffusion|naifu|나이푸",
    re.I,
)
_KOHYA = re.compile(
    r"kohya|코햐|코야|sd[- _]?scripts|train_network|sdxl_train|accelerate launch|bmaltais|easy.?training|derrian"
    r"|lora[- _]?scripts|fluxgym|flux ?gym|플럭스 ?짐",
    re.I,
)


_TOOL_PREFIXES = tuple(TOOL_PARTS)


def _other_trainer_only(question: str) -> bool:
    """The question names a trainer other than sd-scripts (or a front-end built on it) and never kohya."""
    return bool(_OTHER_TRAINER.search(question)) and not _KOHYA.search(question)


def _kohya_only(rule_id: str) -> bool:
    """A rule of sd-scripts' or the kohya GUI's own (not one of their files' gated one-tool rules)."""
    return rule_id.startswith(KOHYA_PARTS) and not rule_id.startswith(_TOOL_PREFIXES)


def _names_tool_of(rule: Rule, question: str) -> bool:
    """The question names the tool the rule is about: its file's (TOOL_PARTS) and its own (`tool`); true for a
    rule about no one tool."""
    part = next((p for p in TOOL_PARTS if rule.id.startswith(p)), None)
    if part is not None and not TOOL_PARTS[part].search(question):
        return False
    return rule.tool is None or bool(rule.tool.search(question))


_LOG_LINE = re.compile(
    r"traceback|^\s*file \"|\bline \d+, in\b|\d{2}:\d{2}:\d{2}|\d+/\d+ \[|^\s*(info|warning|error)\b"
    r"|\bstep \d+/\d+|\bloss[=:]",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class Choice:
    rules: list[Rule] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    diagnosis: Diagnosis | None = None
    intents: list[Intent] = field(default_factory=list)
    situation: QuestionFacts = field(default_factory=QuestionFacts)
    best_score: float = 0.0  # of BM25, when it was used


def looks_like_log(text: str) -> bool:
    """A pasted log (several lines with log markers), not a question that quotes one error."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return len(lines) >= 3 and (len(lines) > 30 or len(_LOG_LINE.findall(text)) >= 2)


def _failure_rules(question: str, lang: str, rulebook: Rulebook) -> tuple[list[str], Diagnosis | None]:
    if not any(any(r.search(question) for r in p.regexes) for p in FAILURES.values()):
        return [], None
    diag = diagnose(log_text=question, lang=lang, rulebook=rulebook)
    if diag.kind == "unknown":
        return [], None
    return list(diag.rule_ids), diag


def _interleave(lists: list[tuple[str, ...]]) -> list[str]:
    """First rule of every intent, then the second ones...: each topic asked about gets answered."""
    out: list[str] = []
    for depth in range(max((len(x) for x in lists), default=0)):
        out += [x[depth] for x in lists if depth < len(x)]
    return out


def _agreeing(
    candidates: list[str],
    rulebook: Rulebook,
    situation: QuestionFacts,
    computed: dict[str, str] | None = None,
) -> list[Rule]:
    """Rules in order, without those a stated fact contradicts or that push a setting against an
    earlier rule or against a computed line ("raise the learning rate: 2e-5 is a fifth of 1e-4")."""
    facts, stated = situation.facts(), situation.stated
    chosen: list[Rule] = []
    for rule_id in dict.fromkeys(candidates):
        rule = rulebook.get(rule_id)
        if contradicted(rule, facts, stated):
            continue
        if computed and conflicts(rule.pushes, computed):
            continue
        if any(conflicts(rule.pushes, other.pushes) for other in chosen):
            continue
        chosen.append(rule)
    return chosen


def computed_directions(note_kinds: list[str], situation: QuestionFacts, raise_lr: bool) -> dict[str, str]:
    """The way the computed lines push each setting ("learning_rate": "down" for a rate far too high)."""
    directions = (
        ("learning_rate", lr_direction(situation, raise_lr) if "lr" in note_kinds else None),
        ("max_train_steps", steps_direction(situation) if "steps" in note_kinds else None),
    )
    return {setting: direction for setting, direction in directions if direction}


def _head_and_tail(text: str, keep: int = 2000) -> str:
    """What a question says lies in its first and last lines; a pasted log can be 650 KB, and one
    regular-expression search over all of it would hold the GIL (and the bot's event loop) too long."""
    return text if len(text) <= 2 * keep else f"{text[:keep]}\n{text[-keep:]}"


def _candidates(
    failure_ids: list[str], intents: list[Intent], spans: dict[str, int], fact_ids: list[str], hits: list[Hit]
) -> tuple[list[str], dict[str, Candidate]]:
    """The candidate rules in the planner's order (failure, specific intents interleaved, the rules the
    facts make hold, general intents, BM25's fill) and where each came from (advisor/ranking.py)."""
    specific = [intent for intent in intents if not intent.general]
    general = [intent for intent in intents if intent.general]
    ids = list(failure_ids) + _interleave([intent.rules for intent in specific])
    ids += fact_ids + _interleave([intent.rules for intent in general]) + [h.ref for h in hits]
    found: dict[str, Candidate] = {rule_id: Candidate(rule_id, "fail") for rule_id in failure_ids}
    for kind, group in (("spec", specific), ("gen", general)):
        for rank, intent in enumerate(group):
            origin = "broad" if kind == "spec" and not intent.specific else kind
            for depth, rule_id in enumerate(intent.rules):
                found.setdefault(rule_id, Candidate(rule_id, origin, rank, depth, spans.get(intent.id, 0)))
                found[rule_id].intents += 1
                found[rule_id].lead |= intent.first
    for rule_id in fact_ids:
        found.setdefault(rule_id, Candidate(rule_id, "fact"))
    for hit in hits:
        found.setdefault(hit.ref, Candidate(hit.ref, "bm25"))
    return ids, found


@dataclass
class Gathered:
    """Every rule that may answer a question, in the planner's order, before ranking."""

    rules: list[Rule]
    candidates: dict[str, Candidate]
    relevance: dict[str, Relevance]
    query_terms: int  # distinct words of the question that some rule or passage contains
    choice: Choice  # notes, diagnosis, intents, situation; its rules are still empty


def gather(question: str, lang: str, rulebook: Rulebook, index: AdvisorIndex) -> Gathered:
    short = _head_and_tail(question)
    situation = read_question(short)
    # Options and symptoms named outright (the topic files' intents) before intents.toml's broad topics,
    # which also match a setting mentioned only as context ("resolution 512 with buckets, flip_aug, ...").
    # Intents marked `first` (loracord's own bot, a video or newest image model named outright) lead the specific ones.
    matched = sorted(match_spans(short), key=lambda pair: (not pair[0].specific, not pair[0].first))
    intents = [intent for intent, _ in matched]
    spans = {intent.id: span for intent, span in matched}
    failure_ids, diag = _failure_rules(question, lang, rulebook)
    generating = any(i.id in GENERATING_INTENTS for i in intents) and not looks_like_log(question)
    if generating:
        # Out of memory while generating images in a UI: the training run's fixes (gradient checkpointing,
        # an 8-bit optimizer, a smaller rank, the batch that fits) answer another question.
        failure_ids, diag = [], None
        intents = [i for i in intents if i.id not in TRAINING_MEMORY_INTENTS]
    elif any(i.id in LOADER_MESSAGE_INTENTS for i in intents) and not looks_like_log(question):
        failure_ids, diag = [], None
    drawing = not generating and any(i.id.startswith(DRAWING_INTENT_PREFIX) for i in intents)
    if drawing:
        # a question about generating images: its intents first (the sort is stable), after a model or tool named
        # outright (`first`: a Wan speed LoRA's settings are Wan's, not an SDXL Lightning checkpoint's)
        intents = sorted(intents, key=lambda i: (not i.first, not i.id.startswith(DRAWING_INTENT_PREFIX)))
    # The stated facts' rules are about a training run (its dataset, batch, steps): none for generating.
    facts = [] if generating or drawing else rulebook.evaluate(situation.facts())
    fact_ids = [f.id for f in facts if not f.rule.diagnosis]

    other_trainer = _other_trainer_only(short)

    def fills(hit: Hit) -> bool:
        # A search hit fills in only when it shares two words or more with the question: one shared word is
        # chance ("얼마" put the disk-space rule in an answer about a LoRA's strength). Until 2026-12-06 a
        # question about the craft let one-word hits in; every bank count stayed the same without them.
        if hit.matched < 2 or hit.ref.startswith(INTENT_ONLY_PARTS):
            return False
        if not _names_tool_of(rulebook.get(hit.ref), short) or (other_trainer and _kohya_only(hit.ref)):
            return False
        if generating:
            return not hit.ref.startswith(TRAINING_MEMORY_PARTS)
        if drawing and hit.ref.startswith(TRAINING_ONLY_PARTS):
            return False
        if hit.ref.startswith(GENERATION_PARTS) and _TRAINING_TALK.search(short):
            return False
        return hit.ref not in GENERATING_RULES

    # One search over every rule: its first hits are BM25's fill, all of it the ranker's relevance.
    scored = index.rules(short, k=len(rulebook.rules), min_ratio=0.0)
    floor = scored[0].score * FILL_MIN_RATIO if scored else 0.0
    relevance = {h.ref: Relevance(rank, h.score, h.matched) for rank, h in enumerate(scored)}
    hits = list(islice(filter(fills, takewhile(lambda h: h.score >= floor, scored)), BM25_FILL))
    ids, found = _candidates(failure_ids, intents, spans, fact_ids, hits)
    if drawing:
        # a training run's rules answer another question
        ids = [i for i in ids if not i.startswith(TRAINING_ONLY_PARTS)]
        found = {i: c for i, c in found.items() if i in ids}
    if other_trainer:
        # the asker's trainer does not have sd-scripts' flags or the kohya GUI's fields: those rules go
        kept = [i for i in ids if not _kohya_only(i)]
        ids, found = kept, {i: c for i, c in found.items() if i in kept}
    # the broad `batch` intent reads the word; its table answers a question about the batch, or a smaller one stated
    batch_asked = asks_about_batch(short)
    table = batch_asked or situation.batch_below_fit()
    note_kinds = [k for i in intents for k in i.notes if i.id != "batch" or table]
    using = situation.ui or any(i.id.startswith(USING_INTENT_PREFIXES) for i in intents)
    if drawing or (using and not _TRAINING_TALK.search(short)):
        # a broad intent's training batch and step count answer another question than a generating one's
        note_kinds = [kind for kind in note_kinds if kind not in ("batch", "steps")]
    if batch_asked:
        note_kinds.append("batch")
    # Numbers the reader can compute whatever the intent: a run's duration, a hires fix's final size, a
    # batch changed at the same epochs.
    note_kinds += ["steps"] * bool(
        situation.sec_per_step and (asks_about_time(short) or situation.price_per_hour)
    )
    note_kinds += ["hires"] * bool(situation.hires)
    # an X/Y/Z grid's count and time lead; a training run's batch and steps are not asked
    if situation.grid[0]:
        note_kinds = ["grid"] + [kind for kind in note_kinds if kind not in ("batch", "steps")]
    note_kinds += ["batch_change"] * bool(situation.other_batches)
    # batches compared by their rates ("batch 1 at 0.8 s/it, batch 4 at 2.4 s/it"); the files a save setting gives
    note_kinds += ["throughput"] * bool(situation.batch_rates)
    # two rates named ("1.5 it/s or 1.5 s/it?"): each as seconds per step, and which is faster
    note_kinds += ["rates"] * bool(len(situation.rates) > 1 and not situation.batch_rates)
    note_kinds += ["save"] * bool(situation.save_every)
    note_kinds += ["caption_dropout"] * bool(situation.caption_dropout)
    note_kinds += ["validation"] * bool(situation.validation_split)
    # A low learning rate explains "no effect", never overfitting: only then is raising it advised; and a full
    # DreamBooth / fine-tune of the whole model runs at 1e-6-5e-6, where the LoRA's 1e-4 does not apply.
    raise_lr = not any(
        intent.id in ("overfit", "finetune_dreambooth", "everyday_a_full_dreambooth") for intent in intents
    )
    computed = computed_directions(note_kinds, situation, raise_lr)
    choice = Choice(
        notes=notes_for(note_kinds, situation, lang, raise_lr, any(NO_EFFECT.search(i.id) for i in intents)),
        diagnosis=diag if diag is not None and looks_like_log(question) else None,
        intents=intents,
        situation=situation,
        best_score=hits[0].score if hits else 0.0,
    )
    rules = _agreeing(ids, rulebook, situation, computed)
    return Gathered(rules, found, relevance, index.query_terms(short), choice)


def choose(question: str, lang: str, rulebook: Rulebook, index: AdvisorIndex) -> Choice:
    gathered = gather(question, lang, rulebook, index)
    rules = gathered.rules
    ranker = load_ranker()
    if ranker is not None:
        candidates = [gathered.candidates[rule.id] for rule in rules]
        order = ranker.order(candidates, gathered.relevance, gathered.query_terms)
        rules = [rules[i] for i in order]
    gathered.choice.rules = rules[:MAX_RULES]
    return gathered.choice
