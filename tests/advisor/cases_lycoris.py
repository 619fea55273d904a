"""Question cases for advisor/rulebook_lycoris.toml (issue 21, tenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "lyco.loha_settings": "What network dim and alpha should I use for a LoHa? I normally train LoRA at 64.",
    "lyco.loha_nan": "LoHa 학습하는데 몇 백 스텝 만에 loss가 nan이 돼요. LoCon은 괜찮은데 왜 그렇죠?",
    "lyco.lokr_factor_full": "For LoKr, what does factor do and why do people set network_dim to 100000?",
    "lyco.ia3": "IA3로 학습하면 learning rate 얼마 줘야 해요? 1e-4로 했더니 아무 변화가 없어요.",
    "lyco.oft_boft": "When training OFT in sd-scripts, what do network_dim and network_alpha mean? Is alpha the constraint?",
    "lyco.full_native": "kohya_ss에 Native Fine-Tuning이라는 LoRA type이 있던데, algo=full이면 학습률이랑 파일 크기가 어떻게 돼요?",
    "lyco.dora_wd": "Is it worth training with DoRA? What learning rate should I use and how much slower is it?",
    "lyco.bypass_mode": "My LoCon trains at half the speed of a normal LoRA after updating lycoris, what can I do?",
    "lyco.conv_default": "Why is my LyCORIS LoCon file twice as big as a normal LoRA at the same network dim?",
    "lyco.presets_config": "How do I train LoKr on attention and LoCon on the resnet blocks with a custom preset toml?",
    "lyco.tucker_scalar_norm": "use_tucker, use_scalar, train_norm 이런 옵션 켜면 뭐가 달라지나요?",
    "lyco.dylora": "LyCORIS algo=dylora로 학습하면 block_size는 얼마로 하고 나중에 rank는 어떻게 골라요?",
    "lyco.version_errors": "kohya training stops with ModuleNotFoundError: No module named 'lycoris' when I pick LoHa",
    "lyco.extract_tool": "I ran LyCORIS extract_locon on my dreambooth model and got a tiny useless file, which options do I need?",
    "lyco.merge_tool": "LoKr 파일을 체크포인트에 병합하고 싶은데 merge_lora.py로는 안 되네요. 어떻게 해요?",
    "lyco.resize": "Can I resize a LoHa to a smaller rank with resize_lora like a normal LoRA?",
    "lyco.continue_weights": "기존 LoKr 파일을 network_weights로 넣고 이어서 학습하려니 unexpected key lokr_w1 오류가 나요.",
    "lyco.ui_load_errors": "My LoCon gives 'Failed to match keys when loading Lora' in the webui and has no effect, normal LoRAs are fine.",
    "lyco.alpha_scale": "Should the alpha for a LyCORIS LoCon be 1 or half the dim? What changes when I raise dim?",
    "lyco.diffusers_code": "How do I load a LoKr safetensors in a diffusers pipeline? load_lora_weights throws an error.",
    "lyco.speed_vram": "LoHa랑 LoKr는 LoRA에 비해 VRAM이나 학습 시간이 얼마나 더 드나요?",
    "lyco.glora": "Has anyone trained GLoRA? What dim should I use with algo=glora?",
    "lyco.adaptive_optimizers": "Prodigy로 LoKr 학습하니 d*lr가 너무 높게 잡히고 결과가 망가져요.",
    "lyco.kohya_vs_lycoris_locon": "What is the difference between Kohya LoCon and LyCORIS/LoCon in the kohya_ss LoRA type list?",
    "lyco.lokr_dit_models": "Flux에서 LoKr로 캐릭터 학습하려는데 factor랑 스텝은 어떻게 잡아요?",
    "lyco.dropouts": "Does --network_dropout work with LyCORIS LoHa, or do I have to put dropout in network_args?",
    "lyco.bundle_embeddings": "LoRA 파일 안에 임베딩이 같이 들어 있는 번들은 어떻게 만들고 웹UI에서 어떻게 써요?",
    "lyco.tlora": "What is T-LoRA in LyCORIS and which dim and sig_type should I use?",
}
