"""``field__any_of=[…]``: ``IN`` with one parameter on PostgreSQL.

``field__in=[…]`` sends one parameter per value: a list of 2,000 household codes or 4,000 ID numbers (an
import's chunk) is a new statement each time, which the driver parses again and the server plans again
(the import's profile showed Django and the driver handling those parameters one by one).
``field = ANY(%s)`` with the list as one array parameter is the same statement whatever the list's length.
Elsewhere it is ``IN``, as Django writes it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.lookups import In


@Field.register_lookup
class AnyOf(In):
    lookup_name = "any_of"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = list(
            dict.fromkeys(
                field.get_db_prep_value(v, connection, prepared=True) for v in self.rhs if v is not None
            )
        )
        if not values:
            raise EmptyResultSet
        return f"{lhs} = ANY(%s)", [*lhs_params, values]
