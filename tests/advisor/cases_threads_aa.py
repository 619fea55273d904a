"""Question cases for advisor/rulebook_threads_aa.toml (issue 21, twentieth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    # A1111 extensions and scripts
    "webext.usdu_how_it_works": "What does the Chess type do in Ultimate SD Upscale compared to Linear?",
    "webext.cn_tile_color_offset": "컨트롤넷 tile_resample로 업스케일하면 애니 그림 색감이 바뀌어요. tile_colorfix 써야 하나요?",
    "webext.prompt_morph_lora": "How should I add a LoRA to the prompt list of the prompt morph script?",
    "webext.toolkit_unet_only": "모델 툴킷에서 UNET-v1-BROKEN 이라고 나오는 체크포인트는 어떻게 살려요?",
    "webext.cutoff_sdnext": "Is there a setting in SD.Next that makes the cutoff extension work?",
    "webext.dynthresh_mimic": "What is the mimic scale in dynamic thresholding actually doing?",
    "webext.dynthresh_few_step_models": "다이나믹 스레숄딩을 라이트닝 모델에 쓰면 미믹은 얼마로 해요?",
    # ComfyUI node packs and installers
    "nodes.mecha_block_weights": "How do I give block weights to a weighted sum in comfy-mecha?",
    "nodes.cutoff_model_dependence": "컷오프 노드를 썼는데 모델에 따라 색이 계속 섞여요",
    "nodes.instantstyle_comfy": "Which weight_type do I pick for InstantStyle in ComfyUI?",
    "nodes.style_aligned_vs_ipadapter": "Is StyleAligned better than reference_only for keeping one style over a batch?",
    "nodes.acn_keyframes_weights": "어드밴스드 컨트롤넷에서 타임스텝 키프레임은 어디에 연결해요?",
    "nodes.easyinstall_models_linker": "The models linker of ComfyUI-Easy-Install says my SwarmUI folder is not a models folder.",
}
