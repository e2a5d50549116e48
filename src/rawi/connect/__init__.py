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
"""
