"""Arabic text utilities shared by every stage: the only place that knows Arabic orthography."""

from rawi.text.langid import detect_language
from rawi.text.normalize import match_form, match_form_with_offsets
from rawi.text.sentences import split_sentences
from rawi.text.tokens import Token, first_token, tokenize, words

__all__ = [
    "Token",
    "detect_language",
    "first_token",
    "match_form",
    "match_form_with_offsets",
    "split_sentences",
    "tokenize",
    "words",
]
