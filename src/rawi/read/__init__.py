"""Readers: one module per source kind (text, html, feed, warc, jsonl), each yielding `Page`s."""
