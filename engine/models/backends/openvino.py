"""OpenVINO IR models through optimum-intel (the ``openvino`` extra): the Intel GPU when
present, else CPU. Tokenising and streaming are the Transformers backend's."""

from __future__ import annotations

from engine.errors import ModelLoadFailed
from engine.models.backends.base import LoadRequest
from engine.models.backends.transformers import TransformersModel


class OpenVinoModel(TransformersModel):
    def _load_model(self, request: LoadRequest, auto_class, torch):
        try:
            from optimum.intel import OVModelForCausalLM
        except ImportError:
            raise ModelLoadFailed("the openvino backend is not installed",
                                  {"model": request.name, "extra": "openvino"}) from None
        device = "GPU" if request.device == "cuda" else "CPU"
        self.device = device.lower()
        # An OpenVINO IR folder loads as is; a PyTorch checkpoint is converted on load.
        export = not (request.path / "openvino_model.xml").exists()
        return OVModelForCausalLM.from_pretrained(request.path, device=device, export=export,
                                                  local_files_only=True)


def load_openvino(request: LoadRequest) -> OpenVinoModel:
    return OpenVinoModel(request)
