"""Keep the method lists of docs/service-api.md equal to the services' real signatures.

Each section headed ``## `nb.NAME` (ClassName)`` has a ```python block listing the
service's public methods, one ``nb.NAME.method(params) -> result`` line each (``*_in``
variants, which compose use cases inside another transaction, are not listed). Lines of
the block that are not method lines (properties, comments) are kept above the methods.

    python tools/service_api.py          # rewrite the lists in docs/service-api.md
    python tools/service_api.py --check  # exit 1 and name the differences (the test suite)
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "service-api.md"
HEADING = re.compile(r"^## `nb\.(?P<name>\w+)` \((?P<cls>\w+)\)")


def service_classes() -> dict[str, type]:
    """The classes defined in the services package's modules, by name."""
    services = importlib.import_module("app.services")
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(services.__path__, "app.services."):
        module = importlib.import_module(info.name)
        found.update({name: obj for name, obj in vars(module).items()
                      if inspect.isclass(obj) and obj.__module__ == info.name})
    return found


def method_lines(attribute: str, cls: type) -> list[str]:
    """``nb.<attribute>.<method>(…) -> …`` for each public method of ``cls``, sorted."""
    lines = []
    for name, fn in sorted(vars(cls).items()):
        if name.startswith("_") or name.endswith("_in"):
            continue
        if isinstance(fn, staticmethod | classmethod):
            fn = fn.__func__
        if not inspect.isfunction(fn):
            continue  # properties and constants are described in prose
        lines.append(f"nb.{attribute}.{name}{_signature(fn)}")
    return lines


def _signature(fn: object) -> str:
    sig = inspect.signature(fn)  # type: ignore[arg-type]  # a plain function
    parts: list[str] = []
    star_done = False
    for param in sig.parameters.values():
        if param.name in ("self", "cls"):
            continue
        if param.kind is param.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        if param.kind is param.VAR_POSITIONAL:
            star_done = True
            parts.append(f"*{param.name}{_annotation(param.annotation)}")
            continue
        if param.kind is param.VAR_KEYWORD:
            parts.append(f"**{param.name}{_annotation(param.annotation)}")
            continue
        text = param.name + _annotation(param.annotation)
        if param.default is not param.empty:
            text += f" = {_default(param.default)}"
        parts.append(text)
    result = sig.return_annotation
    arrow = "" if result is sig.empty else f" -> {_plain(result)}"
    return f"({', '.join(parts)}){arrow}"


def _annotation(annotation: object) -> str:
    return "" if annotation is inspect.Parameter.empty else f": {_plain(annotation)}"


def _plain(annotation: object) -> str:
    """The annotation as written (the services use postponed annotations: strings)."""
    text = annotation if isinstance(annotation, str) else getattr(
        annotation, "__name__", repr(annotation))
    return text.replace("builtins.", "")  # spelled so where a method is called "list"


def _default(value: object) -> str:
    if callable(value) and hasattr(value, "__name__"):
        return str(value.__name__)
    if type(value).__repr__ is object.__repr__ or _is_default_instance(value):
        return f"{type(value).__name__}()"
    return repr(value).replace("'", '"')


def _is_default_instance(value: object) -> bool:
    """A dataclass default equal to its class called with no arguments."""
    if not dataclasses.is_dataclass(value) or isinstance(value, type):
        return False
    try:
        return bool(value == type(value)())
    except TypeError:  # it has required fields
        return False


def rewritten(text: str, classes: dict[str, type]) -> tuple[str, list[str]]:
    """The document with every listed section's methods regenerated, and the names of
    the sections that changed."""
    lines = text.split("\n")
    out: list[str] = []
    changed: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        match = HEADING.match(line)
        if not match or match["cls"] not in classes:
            continue
        while i < len(lines) and lines[i] != "```python":  # prose before the block
            out.append(lines[i])
            i += 1
        if i == len(lines):
            break
        end = lines.index("```", i + 1)
        prefix = f"nb.{match['name']}."
        block = lines[i + 1:end]
        kept = [b for b in block if not (b.startswith(prefix) and "(" in b.split(" #")[0]
                                         and ";" not in b)]
        fresh = kept + method_lines(match["name"], classes[match["cls"]])
        if fresh != block:
            changed.append(match["name"])
        out.extend(["```python", *fresh, "```"])
        i = end + 1
    return "\n".join(out), changed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on drift")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    text = DOC.read_text(encoding="utf-8")
    new, changed = rewritten(text, service_classes())
    if args.check:
        if changed:
            print(f"{DOC.relative_to(ROOT)}: method lists differ from the code for "
                  f"{', '.join('nb.' + c for c in changed)}; run python tools/service_api.py")
            return 1
        return 0
    if changed:
        DOC.write_text(new, encoding="utf-8")
        print(f"rewrote {', '.join('nb.' + c for c in changed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
