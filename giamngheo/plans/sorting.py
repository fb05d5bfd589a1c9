"""Vietnamese alphabetical order of unit names: moved to ``giamngheo.core.text`` (kept for the plans)."""

from __future__ import annotations

from giamngheo.core.text import PREFIXES, vi_sort_key, vi_sorted

vi_key = vi_sort_key
sort_names = vi_sorted

__all__ = ["PREFIXES", "sort_names", "vi_key", "vi_sort_key", "vi_sorted"]
