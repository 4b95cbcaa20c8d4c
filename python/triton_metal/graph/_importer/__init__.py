"""Model importers of the graph compiler (docs/graph-import.md): ONNX files and torch modules become the
graph JSON format (docs/graph-format.md) plus .npy weight files.

This subpackage imports nothing from triton_metal (only numpy, and onnx or torch when used), so
`triton-metal graph model.onnx` can run it with Debian's python3 from the source tree (cli.py)."""
from .errors import GraphImportError
from .builder import GraphBuilder
