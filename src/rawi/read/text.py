"""Plain-text files: one file, one page. UTF-8 (BOM or not), UTF-16/32 with a BOM, and Windows-1256."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from rawi.errors import InputError
from rawi.model import Page
from rawi.read._common import DEFAULT_MAX_BYTES, make_page, normalize_newlines, read_limited, source_name

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Legacy code pages that write Arabic; charset-normalizer may name any of them for a cp1256-era file.
_ARABIC_CODEPAGES = ("cp1256", "iso8859_6", "cp864", "cp720", "mac_arabic")
# C0 controls other than tab, newline, vertical tab, form feed and carriage return: no text holds these.
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def read_text(path: str | Path, *, uri: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Page:
    """The file as one page; `uri` defaults to the path as given."""
    path = Path(path)
    source = source_name(path)
    text = decode_text(read_limited(path, max_bytes), source)
    text = normalize_newlines(text)
    if not text.strip():
        raise InputError(source, "empty file (only white space)")
    return make_page(uri=uri or source, raw=text, text=text, kind="text")


def decode_text(data: bytes, source: str) -> str:
    """Decode bytes that should be text, or say clearly why they are not."""
    if not data:
        raise InputError(source, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    source, f"starts with a {encoding} byte-order mark but is not {encoding}: {exc.reason}"
                ) from None
    if _CONTROL.search(data[:65536]):
        raise InputError(source, "binary file (holds NUL or control bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    # Not UTF-8: only a legacy Arabic code page is worth a guess here, and only when the result reads
    # as Arabic (any byte string decodes as cp1256, so decoding alone proves nothing).
    guess = from_bytes(data[:200_000]).best()
    guessed = guess.encoding if guess is not None else None
    candidates = [guessed] if guessed in _ARABIC_CODEPAGES else []
    candidates += [c for c in ("cp1256",) if c not in candidates]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if mostly_arabic(text):
            return text
    hint = f"it looks like {guessed}; convert it with iconv -f {guessed} -t UTF-8" if guessed else "convert it to UTF-8"
    why = f"not valid UTF-8 (byte {utf8_error.start}: {utf8_error.reason}) nor Windows-1256 Arabic; {hint}"
    raise InputError(source, why)


def mostly_arabic(text: str, threshold: float = 0.6) -> bool:
    """True when most letters are in the Arabic script and the text has words (spaces between them):
    cp1256 maps most high bytes to Arabic letters, so random bytes would pass a letters-only test."""
    letters = [ch for ch in text[:100_000] if ch.isalpha()]
    if len(letters) < 10:
        return False
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    words = len(text[:100_000].split())
    return arabic / len(letters) >= threshold and words >= len(letters) / 20
