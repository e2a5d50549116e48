"""Corpus-level connections: duplicates, passage reuse and provenance (see ../shared/DESIGN.md).

- dedup.py       exact and near duplicates: `dedup_paths(paths)` / `dedup_pages(pages)` -> DedupResult
                 (shingles.py: word shingles as hashes; minhash.py: signatures and LSH banding;
                 arrays.py: shingle sets that spill to disk; texts.py: cheap reading of JSON Lines)
- align.py       passages shared by two texts, verbatim, edited or shuffled: `align(source, target, weights)`
                 (words.py: word ids with their character spans; candidates.py: which pairs to align)
- reuse.py       reuse between collections: `find_reuse(sources, targets)`, `find_reuse_paths(...)`
- provenance.py  earlier article = source, credited or not, the outlet graph: `provenance_paths(paths)`,
                 `trace(article_refs)` (outlets.py: canonical outlet names)
- pan.py         the PAN plagiarism-detection measures and annotations (for bench/reuse_pan.py)
- stories.py     the same happening across outlets and days: `stories_paths(paths)`, `build_stories(...)`
                 (story_features/story_vectors/story_cluster.py: online clustering; story_inputs.py: reading;
                 story_eval.py: B-cubed; story_hook.py: `StoryHook`, stories kept current by `rawi ingest`)
- reuse_hook.py  `ReuseHook`: reuse links (who copied whom, credited or not) kept current by `rawi ingest`
"""

from __future__ import annotations

from typing import Any


def store_hooks() -> list[Any]:
    """The update hooks `rawi ingest` runs (rawi.store.hooks): stories and reuse links. (No duplicate hook
    exists; the store records exact duplicates itself.)"""
    from rawi.connect.reuse_hook import ReuseHook
    from rawi.connect.story_hook import StoryHook

    return [StoryHook(), ReuseHook()]
