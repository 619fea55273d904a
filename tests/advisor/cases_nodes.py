"""Question cases for advisor/rulebook_nodes.toml (issue 21, tenth round), merged into
test_advisor_rules.QUESTION_CASES through topic_cases.py: rule id -> a question, written fresh (not taken
from any question bank), that must reach the rule."""

from __future__ import annotations

CASES: dict[str, str] = {
    "nodes.rgthree_power_lora": "In the Power Lora Loader how do I give a different clip strength than model strength?",
    "nodes.lora_manager": "컴피UI 로라 매니저에서 트리거 단어를 자동으로 프롬프트에 넣을 수 있나요?",
    "nodes.lora_stack_nodes": "My LoRA Stacker is connected but nothing changes, where does the LORA_STACK go?",
    "nodes.impact_wildcard_lora": "와일드카드 파일에 로라 태그를 넣었는데 적용이 안 돼요. 캐릭터 로라를 랜덤으로 고르고 싶어요",
    "nodes.detailer_lora": "Can I use my face lora only in FaceDetailer and not in the main KSampler?",
    "nodes.inspire_lbw": "컴피UI에서 블록 웨이트를 주려면 inspire pack 노드를 어떻게 써요?",
    "nodes.animatediff_motion_lora": "Where do AnimateDiff motion loras like zoom in go? They don't show in my lora loader",
    "nodes.animatediff_image_lora": "애니메이트디프에 캐릭터 로라를 걸면 영상이 깜빡거려요. context options는 어떻게 둬요?",
    "nodes.ipadapter_faceid_lora": "Does IPAdapter FaceID plus v2 need a lora file? where do I put it?",
    "nodes.extra_model_paths": "How do I make ComfyUI use the loras from my A1111 models folder without copying them?",
    "nodes.swarm_lora": "How do I add a lora in SwarmUI and set its weight? Does <lora:name:0.8> work there?",
    "nodes.swarm_model_folders": "스웜UI에 컴피UI 모델 폴더를 연결했는데 로라 목록이 비어 있어요",
    "nodes.swarm_segment_lora": "In SwarmUI can I apply my face lora only when it refines the face, like adetailer?",
    "nodes.swarm_comfy_backend": "SwarmUI에서 내가 이미 설치한 컴피UI와 커스텀 노드를 백엔드로 쓰려면요?",
    "nodes.fooocus_presets_loras": "Why is there already a lora in slot 1 in Fooocus? The realistic preset changes my lora's look",
    "nodes.wanvideo_lora": "WanVideoWrapper says disable merge_loras in the LoRA select node, what does that mean?",
    "nodes.nunchaku_lora": "눈차쿠 플럭스 모델에 로라를 걸었는데 효과가 없어요",
    "nodes.lora_preview_files": "How do I get preview thumbnails to show for my loras in ComfyUI's lora list?",
    "nodes.sdnext_lora_memory": "SD.Next runs out of memory with several loras on a flux nf4 model during an xyz grid",
    "nodes.krita_ai_lora": "크리타 AI 플러그인에서 로라를 추가하고 강도를 바꾸려면 어디서 해요?",
    "nodes.xlabs_flux_lora": "The XLabs Load Flux LoRA node gives list index out of range with my civitai flux lora",
    "nodes.rgthree_power_prompt": "I typed <lora:name:0.7> into the rgthree Power Prompt but nothing changes",
    "nodes.swarm_grid_lora": "How can I compare my lora epochs at different weights in SwarmUI?",
    "nodes.invokeai_unknown_lora": "인보크AI 모델 매니저에서 플럭스 로라를 설치하면 Unknown LoRA type 오류가 나요",
    "nodes.easy_use_lora": "How do I add more than one lora to the easy fullLoader from ComfyUI-Easy-Use?",
    "nodes.impact_regional_lora": "Can the Impact Pack regional sampler use a different character lora for the left and right region?",
    "nodes.civitai_lora_loader": "컴피UI에서 시비타이 ID로 로라를 바로 받아서 쓰는 노드가 있나요?",
    "nodes.torch_compile_lora": "My flux lora is ignored when I add the TorchCompileModel node, without compile it works",
}
