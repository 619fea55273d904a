"""Issue 21, part uierrors (twelfth session): routes for errors, warnings and LoRAs that do nothing in the generating
UIs (A1111, Forge, ComfyUI, SwarmUI, InvokeAI, Fooocus) and diffusers. The questions are written fresh, not taken
from any bank: each must reach the rule that answers its topic first, and a training question must not be taken (its first rule is not ours)."""

import pytest

from advisor.intents import match


@pytest.mark.parametrize(
    "text,wanted,unwanted",
    [
        # a pasted loader message, by its meaning
        (
            "Forge: RuntimeError: The size of tensor a (768) must match the size of tensor b (1280) with a LoRA",
            "uierrors.tensor_size_numbers",
            None,
        ),
        (
            "포지에서 로라 넣으니까 mat1 and mat2 shapes cannot be multiplied 뜸",
            "uierrors.tensor_size_numbers",
            None,
        ),
        (
            "Got AssertionError: Could not find a module type (out of ModuleTypeLora, ModuleTypeHada) that would accept those keys",
            "uierrors.a1111_module_type",
            None,
        ),
        ("diffusers Invalid LoRA checkpoint 에러 왜 나요?", "uierrors.diffusers_invalid_checkpoint", None),
        (
            "load_lora_weights prints 'size mismatch for lora_A' on my SDXL pipeline",
            "diffusers.shape_errors",
            "model.wrong_arch",
        ),
        (
            "디퓨저스로 로라 불러오면 unexpected keys 경고가 떠요 적용된 건가요?",
            "diffusers.shape_errors",
            None,
        ),
        ("console says couldn't find Lora with name foo_v2", "infer.lora_not_found", None),
        (
            "InvokeAI: Unknown LoRA type when I add my Flux LoRA in the model manager",
            "nodes.invokeai_unknown_lora",
            None,
        ),
        ("인보크에 로라 추가하면 모델 타입 알 수 없다고 나와요", "nodes.invokeai_unknown_lora", None),
        # fp8 / NF4 / GGUF bases while generating
        ("Forge NF4 Flux: my LoRA does almost nothing", "webext.forge_lowbit_lora_check", None),
        ("포지에서 gguf 플럭스에 로라 걸면 너무 느려요", "webext.forge_lowbit_lora_check", None),
        (
            "Does a LoRA lose strength on an fp8 e4m3fn checkpoint in ComfyUI?",
            "comfylora.fp8_lora",
            "memory.fp8_base",
        ),
        ("fp8 모델에 로라 쓰면 효과 약해지나요", "comfylora.fp8_lora", None),
        # no effect
        ("My LoRA in ComfyUI makes no difference at strength 1", "comfylora.no_effect_checklist", None),
        ("컴피에서 로라 로더 연결했는데 그림 변화가 없어요", "comfylora.no_effect_checklist", None),
        ("Adding <lora:abc:1> to the prompt changes nothing in A1111", "lora.no_effect", None),
        ("로라 넣어도 그림이 똑같아요", "lora.no_effect", None),
        # SwarmUI, DoRA, old A1111 with LyCORIS
        ("SwarmUI doesn't show my LoRAs, where is the folder?", "nodes.swarm_model_folders", None),
        ("스웜에서 로라 트리거 단어 어디서 봐요?", "genapps.swarm_trigger_phrase", None),
        ("Can Forge load DoRA files?", "uiuse.dora_files", None),
        ("예전 버전 웹ui에서 lokr 파일이 안 읽혀요", "lycoris.usage", "install.rollback"),
        # training questions are not taken
        (
            "kohya training fails with size mismatch for lora_unet when I resume",
            None,
            "uierrors.tensor_size_numbers",
        ),
        ("Should I train my Flux LoRA with fp8_base on a 12GB card?", None, "comfylora.fp8_lora"),
        ("How do I train a DoRA with kohya?", None, "uiuse.dora_files"),
    ],
)
def test_uierrors_routes(advisor, text, wanted, unwanted):
    rules = advisor.ask(text, use_llm=False).rule_ids
    if wanted:
        assert rules and rules[0] == wanted, (text, rules)
    if unwanted:
        assert not rules or rules[0] != unwanted, (text, rules)


@pytest.mark.parametrize(
    "text,taken",
    [
        ("My LoRA does nothing in ComfyUI, I have a 3060 12GB and use SDXL", False),
        ("Fooocus ignores my SD1.5 LoRA, 2060 6GB", False),
        ("포지에서 sdxl 로라 넣으면 이미지 깨짐 3060 12기가 씀", False),
        ("Training an SDXL LoRA on my 3060 12GB runs out of memory", True),
        ("SDXL 로라 학습 3060 12기가 OOM 뜸", True),
        ("sd1.5 lora on 6gb, what settings?", True),
    ],
)
def test_a_card_named_in_a_ui_question_does_not_call_up_the_training_vram_tiers(text, taken):
    """The training-memory tiers (SD1.5 on 4-8 GB, SDXL on 12 GB) answer a training run; a card named only as
    context of a LoRA used in a UI must not put them in the answer (person judges, blind set 18)."""
    ids = {i.id for i in match(text)}
    assert bool(ids & {"trouble_sd15_vram", "trouble_sdxl_12gb"}) == taken, ids


@pytest.mark.parametrize(
    "text",
    [
        "포지에서 로라 넣으면 이미지 깨짐",
        "로라 적용하면 그림이 깨져요",
        "When I add my LoRA in Forge the image gets broken and noisy",
    ],
)
def test_a_lora_that_breaks_the_image_gets_weight_and_family_first(advisor, text):
    ids = advisor.ask(text, use_llm=False).rule_ids
    assert ids[:2] == ("symptom.burned", "lora.family_mismatch"), ids


@pytest.mark.parametrize(
    "text,first",
    [
        ("Forge gives me black images with my LoRA on a 4060 8GB, why?", "models.vae_nan_generation"),
        ("포지에서 로라 쓰면 검은 이미지만 나와요", "models.vae_nan_generation"),
        ("my training samples are black in kohya", "nan.fp16_vae"),
    ],
)
def test_black_images_while_generating_get_the_uis_vae_fix(advisor, text, first):
    """Generating in a UI: the VAE's fp16 overflow on decode and the UI's setting (--no-half-vae); a training run's
    black samples keep the training precision rule."""
    assert advisor.ask(text, use_llm=False).rule_ids[0] == first
