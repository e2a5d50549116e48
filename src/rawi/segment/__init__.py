"""Segmentation: a page's lines get roles (title, subheading, body, credit, share bar, …) and become articles."""

from rawi.segment.boilerplate import BoilerplateIndex
from rawi.segment.segmenter import segment_page

__all__ = ["BoilerplateIndex", "segment_page"]
