"""Views stay thin: every read goes through the owning app's selectors.

In the spirit of Zulip's rule that a view never fetches an object itself but calls ``access_*_by_id`` (which
checks that the user may see it), a view module here (``views.py``, ``*_views.py``, a ``views/`` package)
must not:

(a) import another app's ``models`` (its constants live in that app's ``choices.py``, its rows come from its
    selectors); an import under ``if TYPE_CHECKING:`` is allowed, for annotations only: it never runs;
(b) touch a model manager (``.objects``, ``._default_manager``, ``._base_manager``): queries are selectors';
(c) call ``get_object_or_404`` / ``get_list_or_404``: "missing" and "not yours" are the same 404 through
    ``core.views.get_or_404(selectors.access_<entity>_by_id, ...)``.

The walk reads the source (AST), so a new view module is checked without being listed here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "giamngheo"
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})

RULE_MODELS = "imports another app's models"
RULE_MANAGER = "touches a model manager"
RULE_SHORTCUT = "calls get_object_or_404/get_list_or_404"


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule} ({self.detail})"


def view_modules(root: Path = ROOT / PACKAGE) -> list[Path]:
    """``views.py``, ``*_views.py`` and every module of a ``views/`` package, outside tests and migrations;
    and every module of the package that a ``urls.py`` imports (a view module by another name)."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if "tests" in parts or "migrations" in parts:
            continue
        if path.name == "views.py" or path.name.endswith("_views.py") or "views" in parts[:-1]:
            found.add(path)
        if path.name == "urls.py":
            found.update(url_modules(path))
    return sorted(found)


def url_modules(urls: Path) -> set[Path]:
    """The modules of the package that ``urls`` imports: ``from . import a``, ``from .a import f``,
    ``from giamngheo.app import a``."""
    package = module_name(urls).rsplit(".", 1)[0]
    modules = set()
    for node in ast.walk(ast.parse(urls.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        base = _resolve(node, package)
        if not base.startswith(PACKAGE):
            continue
        # ``from .a import f``: the module ``a``; ``from . import a``: ``a`` (a module, or a package's
        # ``__init__``), never the package the ``urls.py`` itself stands in.
        candidates = [(base, False), *((f"{base}.{alias.name}", True) for alias in node.names)]
        for candidate, named in candidates:
            path = ROOT.joinpath(*candidate.split("."))
            files = [path.with_suffix(".py"), *([path / "__init__.py"] if named else [])]
            for file in files:
                if file.is_file() and not file.name.endswith("urls.py"):
                    modules.add(file)
    return modules


def module_name(path: Path) -> str:
    """``giamngheo/geo/views.py`` -> ``giamngheo.geo.views`` (a package: its ``__init__``'s name)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _other_app_models(target: str, own_app: str) -> bool:
    """Whether the dotted module ``target`` is (inside) ``giamngheo.<another app>.models``."""
    parts = target.split(".")
    return len(parts) >= 3 and parts[0] == PACKAGE and parts[2] == "models" and parts[1] != own_app


def _resolve(node: ast.ImportFrom, package: str) -> str:
    """The absolute module of ``from <node.module> import ...`` written in ``package``."""
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _called_name(func: ast.expr) -> str:
    """``f`` of ``f(...)`` and of ``module.f(...)``."""
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _type_checking_imports(tree: ast.AST) -> set[int]:
    """The ids of the import nodes inside ``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``)."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.If):
            continue
        if _called_name(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                ids.update(id(n) for n in ast.walk(statement) if isinstance(n, ast.Import | ast.ImportFrom))
    return ids


def check_source(source: str, *, module: str, path: str, is_package: bool = False) -> list[Violation]:
    """The violations of the three rules in the source of the view module ``module``."""
    tree = ast.parse(source, filename=path)
    own_app = module.split(".")[1] if module.count(".") >= 1 else ""
    package = module if is_package else module.rpartition(".")[0]
    annotations_only = _type_checking_imports(tree)
    found: list[Violation] = []

    def add(node: ast.AST, rule: str, detail: str) -> None:
        found.append(Violation(path, getattr(node, "lineno", 0), rule, detail))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and id(node) not in annotations_only:
            for alias in node.names:
                if _other_app_models(alias.name, own_app):
                    add(node, RULE_MODELS, f"import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, package)
            if id(node) not in annotations_only:
                if _other_app_models(target, own_app):
                    add(node, RULE_MODELS, f"from {target} import {', '.join(a.name for a in node.names)}")
                else:  # ``from giamngheo.jobs import models``
                    for alias in node.names:
                        if _other_app_models(f"{target}.{alias.name}", own_app):
                            add(node, RULE_MODELS, f"from {target} import {alias.name}")
            for alias in node.names:
                if alias.name in SHORTCUTS:
                    add(node, RULE_SHORTCUT, f"from {target} import {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            add(node, RULE_MANAGER, f".{node.attr}")
        elif isinstance(node, ast.Call):
            name = _called_name(node.func)
            if name in SHORTCUTS:
                add(node, RULE_SHORTCUT, f"{name}(...)")
    return sorted(found, key=lambda v: (v.line, v.rule))


def check_file(path: Path) -> list[Violation]:
    return check_source(
        path.read_text(encoding="utf-8"),
        module=module_name(path),
        path=str(path.relative_to(ROOT)),
        is_package=path.name == "__init__.py",
    )


# --- The check over the code ------------------------------------------------------------------------


def test_view_modules_are_found() -> None:
    """The walk finds the view modules (a broken discovery would make the next test pass on nothing)."""
    modules = view_modules()
    names = {str(p.relative_to(ROOT)) for p in modules}
    assert len(modules) > 15, names
    assert {"giamngheo/geo/views.py", "giamngheo/reviews/round_views.py"} <= names
    # A module the URLs route to is a view module whatever its name (the REST API's, for one).
    assert "giamngheo/api/api.py" in names


def test_views_are_thin() -> None:
    violations = [v for path in view_modules() for v in check_file(path)]
    assert not violations, "View modules must go through selectors:\n" + "\n".join(map(str, violations))


# --- The checker catches each kind of violation ------------------------------------------------------

GEO_VIEWS = {"module": "giamngheo.geo.views", "path": "giamngheo/geo/views.py"}


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        ("from giamngheo.jobs.models import Job\n", RULE_MODELS),
        ("import giamngheo.jobs.models\n", RULE_MODELS),
        ("import giamngheo.jobs.models as job_models\n", RULE_MODELS),
        ("from giamngheo.jobs import models\n", RULE_MODELS),
        ("from giamngheo.jobs import models as job_models\n", RULE_MODELS),
        ("from ..jobs.models import Job\n", RULE_MODELS),
        ("from ..jobs import models\n", RULE_MODELS),
        ("def view():\n    from giamngheo.core.models import ExportKind\n", RULE_MODELS),
        ("def view():\n    return Area.objects.all()\n", RULE_MANAGER),
        ("def view(model):\n    return model._default_manager.first()\n", RULE_MANAGER),
        ("def view(model):\n    return model._base_manager.first()\n", RULE_MANAGER),
        ("def view(request, pk):\n    return get_object_or_404(Area, pk=pk)\n", RULE_SHORTCUT),
        ("def view(request):\n    return shortcuts.get_list_or_404(Area)\n", RULE_SHORTCUT),
        ("from django.shortcuts import get_object_or_404 as fetch\n", RULE_SHORTCUT),
    ],
)
def test_the_checker_catches(source: str, rule: str) -> None:
    violations = check_source(source, **GEO_VIEWS)
    assert [v.rule for v in violations] == [rule], violations
    assert violations[0].line == len(source.strip().splitlines())  # the violation is on the last line
    assert str(violations[0]).startswith("giamngheo/geo/views.py:")


@pytest.mark.parametrize(
    "source",
    [
        "from giamngheo.geo.models import Area\n",  # its own app's models
        "from .models import Area\n",
        "from . import models\n",
        "from giamngheo.jobs.choices import JobKind, JobStatus\n",
        "from giamngheo.jobs import selectors as job_selectors\n",
        "from giamngheo.core.views import get_or_404\n",
        "from django.db.models import Q, QuerySet\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from giamngheo.jobs.models import Job\n",
        "def view(request):\n    return selectors.area_list(user=request.user).filter(level='commune')\n",
    ],
)
def test_the_checker_allows(source: str) -> None:
    assert check_source(source, **GEO_VIEWS) == []


def test_relative_imports_resolve_in_a_views_package() -> None:
    """In ``giamngheo/geo/views/pages.py``, ``..models`` is geo's own, ``...jobs.models`` another app's."""
    where = {"module": "giamngheo.geo.views.pages", "path": "giamngheo/geo/views/pages.py"}
    assert check_source("from ..models import Area\n", **where) == []
    assert [v.rule for v in check_source("from ...jobs.models import Job\n", **where)] == [RULE_MODELS]
    package = {"module": "giamngheo.geo.views", "path": "giamngheo/geo/views/__init__.py", "is_package": True}
    assert check_source("from ..models import Area\n", **package) == []
    assert [v.rule for v in check_source("from ...jobs import models\n", **package)] == [RULE_MODELS]
