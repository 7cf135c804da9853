"""How tests compare transcripts: lower-case words, punctuation dropped (as bench/asr.py)."""


def normal(text: str) -> str:
    return " ".join("".join(c if c.isalnum() or c.isspace() else " " for c in text.lower())
                    .split())
