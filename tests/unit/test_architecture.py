"""The package's import graph has no cycle: every module can be read, tested and imported on its own."""

from __future__ import annotations

import grimp


def strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's algorithm over the modules' direct imports (TYPE_CHECKING imports count too)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            components.append(component)

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return components


def test_no_module_of_comptoir_takes_part_in_an_import_cycle() -> None:
    graph = grimp.build_graph("comptoir")

    cycles = [sorted(c) for c in strongly_connected(graph) if len(c) > 1]

    assert cycles == []


def test_the_cycle_finder_sees_a_cycle_when_there_is_one() -> None:
    graph = grimp.ImportGraph()
    for name in ("pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")

    assert [sorted(c) for c in strongly_connected(graph) if len(c) > 1] == [["pkg.a", "pkg.b"]]
