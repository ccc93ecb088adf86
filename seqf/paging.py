"""One page of a longer list, for services that page with their own COUNT and LIMIT/OFFSET.

It has the attributes ``macros/ui.html``'s ``pagination`` macro reads (the same as Flask-SQLAlchemy's
``Pagination``), so a page of rows built from a plain SELECT renders with the same pager as an ORM query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
