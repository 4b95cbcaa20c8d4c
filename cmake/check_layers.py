#!/usr/bin/env python3
"""The two CTest checks of the layering of lib/ (DESIGN.md section 2, table in cmake/TritonMetalLayers.cmake).

  check_layers.py symbols BUILD/layer_archives.txt
      Every symbol a layer's archive leaves undefined and that some other layer's archive defines must be
      defined by a layer it may use (its row, and theirs, transitively). A static library can call a layer
      above it and still link, because the executable links both: this finds such calls.
  check_layers.py docs BUILD/layer_graph.txt docs/architecture.md
      The lib/ dependency graph printed in docs/architecture.md (the ```text block after the line
      `<!-- layer-graph -->`) is the one CMake configured (layer_graph.txt, written by tm_check_layers()).

Exit status 0 when the check holds; 1, with every difference listed, when it does not.
"""
import subprocess
import sys

STRONG = set("TDBRG")  # strongly defined text, data, bss, read-only data, small data


def nm(archive, *flags):
    out = subprocess.run(["nm", "-g", "-P", *flags, archive], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not line.endswith(":"):
            yield parts[0], parts[1]


def demangle(names):
    if not names:
        return []
    out = subprocess.run(["c++filt"], input="\n".join(names), check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def check_symbols(manifest):
    layers = []
    for line in open(manifest):
        layer, archive, allowed = line.rstrip("\n").split("\t")
        layers.append((layer, archive, set(a for a in allowed.split(",") if a)))
    defined_by = {}
    undefined = {}
    for layer, archive, _ in layers:
        for name, kind in nm(archive, "--defined-only"):
            if kind in STRONG:
                defined_by.setdefault(name, set()).add(layer)
        undefined[layer] = {name for name, kind in nm(archive, "--undefined-only") if kind == "U"}
    problems = []
    for layer, archive, allowed in layers:
        bad = {}
        for name in undefined[layer]:
            owners = defined_by.get(name, set())
            if owners and not owners & (allowed | {layer}):
                bad[name] = sorted(owners)
        names = sorted(bad)
        for name, pretty in zip(names, demangle(names)):
            problems.append(f"lib/{layer} calls {pretty}, defined in lib/{'/'.join(bad[name])}, a layer it may not use")
    for p in problems:
        print(p)
    print(f"layering.symbols: {len(layers)} layers, {sum(len(u) for u in undefined.values())} undefined references, "
          f"{len(problems)} into a layer not allowed")
    return 1 if problems else 0


def graph_lines(text):
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def check_docs(graph_file, doc_file):
    built = graph_lines(open(graph_file).read())
    doc = open(doc_file).read().splitlines()
    try:
        start = doc.index("<!-- layer-graph -->")
        if doc[start + 1].strip() != "```text":
            raise ValueError
        end = doc.index("```", start + 2)
    except (ValueError, IndexError):
        print(f"{doc_file}: no ```text block after the line <!-- layer-graph -->")
        return 1
    printed = graph_lines("\n".join(doc[start + 2:end]))
    if printed == built:
        print(f"layering.docs: {doc_file} prints the build's graph ({len(built)} lines)")
        return 0
    print(f"{doc_file}:{start + 3}: the printed lib/ graph differs from the build's ({graph_file}); the build's is:")
    print("\n".join(built))
    for line in sorted(set(printed) - set(built)):
        print(f"  only in the docs:  {line}")
    for line in sorted(set(built) - set(printed)):
        print(f"  only in the build: {line}")
    return 1


def main(argv):
    if len(argv) == 3 and argv[1] == "symbols":
        return check_symbols(argv[2])
    if len(argv) == 4 and argv[1] == "docs":
        return check_docs(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
