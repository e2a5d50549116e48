"""`rawi ner`: tag token-per-line CoNLL files and score them (mounted by cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from rawi.annotate import conll
from rawi.errors import InputError

ner_app = typer.Typer(help="Named-entity recognition on CoNLL token-per-line files.", no_args_is_help=True)


def _read(path: Path) -> list[str]:
    try:
        if str(path) == "-":
            return sys.stdin.read().splitlines()
        return path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc}); check the path") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"is not UTF-8 text ({exc.reason}); give a UTF-8 CoNLL file") from exc


def tag_rows(rows: list[conll.Row]) -> list[str]:
    """Predicted BIO tags (ANERcorp names), one per row; blank rows get ""."""
    from rawi.annotate.entities import load_model, tag_document

    sents = conll.sentences(rows)
    tagged = tag_document(load_model(), [[rows[i].token for i in idx] for idx in sents])
    pred = [""] * len(rows)
    for idx, tags in zip(sents, tagged, strict=True):
        for i, t in zip(idx, tags, strict=True):
            pred[i] = t
    return pred


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(1)


@ner_app.command("tag")
def tag(
    file: Path = typer.Argument(..., help="CoNLL file: a token a line, optional tag columns; '-' for stdin"),
    output: Path = typer.Option(None, "--output", "-o", help="write here instead of standard output"),
) -> None:
    """Write `token<TAB>predicted-tag` for every token, in order, keeping blank lines."""
    try:
        rows = conll.read_rows(_read(file))
        pred = tag_rows(rows)
    except InputError as exc:
        _fail(exc)
    lines = ["" if r.blank else f"{r.token}\t{p}" for r, p in zip(rows, pred, strict=True)]
    text = "\n".join(lines) + ("\n" if lines else "")
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


@ner_app.command("eval")
def eval_(
    gold: Path = typer.Argument(..., help="CoNLL file whose last column is the gold BIO tag"),
    pred: Path = typer.Option(
        None, "--pred", "-p", help="a `rawi ner tag` output to score; by default GOLD is tagged now"
    ),
) -> None:
    """Entity-level precision, recall and F1 per label and micro-averaged (exact span and type)."""
    try:
        rows = conll.read_rows(_read(gold))
        gold_tags = [r.tags[-1] if r.tags else "O" for r in rows if not r.blank]
        if not any(r.tags for r in rows):
            raise InputError(str(gold), "has no tag column; eval needs `token TAG` lines")
        if pred is not None:
            prow = conll.read_rows(_read(pred))
            pred_tags = [r.tags[-1] if r.tags else "O" for r in prow if not r.blank]
        else:
            pred_tags = [t for r, t in zip(rows, tag_rows(rows), strict=True) if not r.blank]
        scores = conll.evaluate(gold_tags, pred_tags)
    except (InputError, ValueError) as exc:
        _fail(exc)
    typer.echo(conll.format_scores(scores))
