"""triton_metal.graph: real models into the graph compiler (docs/graph-import.md).

    g = triton_metal.graph.from_onnx("model.onnx")                 # or a ModelProto
    g = triton_metal.graph.from_torch(module, (x,))                # torch.fx (via="onnx": torch.onnx.export)
    f = triton_metal.graph.compile(module, (x,), target="m3")      # callable: torch tensors in and out
    y = f(x)                                                       # runs the fused plan on the default device
    print(f.report())                                              # fusions, launches and bytes vs unfused/minimum

Importers build the graph compiler's JSON format (docs/graph-format.md) with .npy weights; the compiled
callable runs it through the `triton-metal graph` command (--run --device), which compiles every fused
group into a Metal kernel and launches it on the default device (the emulator off macOS)."""
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np

from ._importer import GraphImportError
from ._importer.builder import GraphBuilder

__all__ = ["from_onnx", "from_torch", "compile", "ImportedGraph", "CompiledGraph", "GraphImportError", "GraphRunError"]


class GraphRunError(RuntimeError):
    """The graph compiler refused the imported graph or a run failed; the message is the command's error."""


class ImportedGraph:
    """An imported model: the graph (JSON format) and its weights, saved on demand."""

    def __init__(self, builder, single_output=True):
        self.builder = builder
        self.single_output = single_output
        self._dir = None

    @property
    def name(self):
        return self.builder.name

    @property
    def inputs(self):
        return list(self.builder.inputs)

    @property
    def outputs(self):
        return list(self.builder.outputs)

    @property
    def recognised(self):
        """Decomposed forms rewritten at import: {rule: count} (e.g. {'gelu-erf': 1, 'rms_norm': 2})."""
        return dict(getattr(self.builder, "recognised", {}))

    def ops(self):
        return [n.op for n in self.builder.nodes]

    def save(self, out_dir):
        """Writes <out_dir>/<name>.json and its weights; returns the JSON path."""
        return self.builder.write(out_dir, doc=f"imported by triton_metal.graph; recognised: {self.recognised}")

    def path(self):
        """The JSON file, saved into a private temporary folder the first time."""
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="triton-metal-graph-")
            self._path = self.save(self._dir)
        return self._path

    def __del__(self):
        if getattr(self, "_dir", None):
            shutil.rmtree(self._dir, ignore_errors=True)


def from_onnx(model, input_shapes=None, name=None):
    """Imports an ONNX model (a path, bytes or onnx.ModelProto; external data files are read from the
    model's folder). input_shapes gives static shapes for inputs with symbolic dimensions."""
    from ._importer.onnx_import import import_onnx
    base_dir = None
    if isinstance(model, (str, os.PathLike)):
        name = name or os.path.splitext(os.path.basename(str(model)))[0]
    return ImportedGraph(import_onnx(model, input_shapes=input_shapes, base_dir=base_dir, name=name))


def from_torch(module, example_inputs, via="fx", name=None, opset_version=14):
    """Imports a torch.nn.Module called on example_inputs (a tensor or a tuple): via "fx" traces it with
    torch.fx; via "onnx" exports it with torch.onnx.export and imports the ONNX model."""
    import torch
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    example_inputs = tuple(example_inputs)
    if via == "fx":
        from ._importer.torch_fx import import_torch_fx
        b = import_torch_fx(module, example_inputs, name=name)
        return ImportedGraph(b, b.single_output)
    if via == "onnx":
        import io
        from ._importer.onnx_import import import_onnx
        was_training = module.training
        module.eval()
        f = io.BytesIO()
        try:
            with torch.no_grad():
                torch.onnx.export(module, example_inputs, f, opset_version=opset_version,
                                  input_names=[f"input{i}" for i in range(len(example_inputs))], do_constant_folding=True)
        except Exception as e:
            raise GraphImportError(f"torch.onnx.export failed for {type(module).__name__}: {type(e).__name__}: {e}") from None
        finally:
            module.train(was_training)
        with torch.no_grad():
            out = module(*example_inputs)
        b = import_onnx(f.getvalue(), name=name or type(module).__name__)
        return ImportedGraph(b, isinstance(out, torch.Tensor))
    raise ValueError(f"via must be 'fx' or 'onnx', got {via!r}")


def cli_path():
    """The `triton-metal` executable: $TRITON_METAL_CLI, the build tree next to this package, or PATH."""
    env = os.environ.get("TRITON_METAL_CLI")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    for up in (os.path.join(here, "..", "..", ".."), os.path.join(here, "..", "..", "..", "build")):
        cand = os.path.normpath(os.path.join(up, "bin", "triton-metal"))
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    found = shutil.which("triton-metal")
    if found:
        return found
    raise GraphRunError("cannot find the triton-metal command (build it, or set TRITON_METAL_CLI)")


def _run(args):
    p = subprocess.run([cli_path(), "graph"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        msg = p.stderr.strip().splitlines()
        raise GraphRunError(msg[-1] if msg else f"triton-metal graph exited with status {p.returncode}")
    return p.stdout


class CompiledGraph:
    """A graph compiled for one target: call it with torch tensors (or numpy arrays) to run the fused plan
    on the default device; returns torch tensors (numpy arrays for numpy inputs)."""

    def __init__(self, graph, target=None):
        self.graph = graph
        self.target = target
        self.last_run = ""
        self.report()  # compiles the plan once now: errors surface here, before any run

    def _target_args(self):
        return ["--target", self.target] if self.target else []

    def report(self):
        """`triton-metal graph --report`: passes, fusions applied and refused, kernels, memory, traffic."""
        return _run([self.graph.path()] + self._target_args() + ["--report"])

    def check(self, seed=1):
        """`--run --check` on random inputs: fused and unfused plans on the device vs float64; the output."""
        return _run([self.graph.path()] + self._target_args() + ["--run", "--check", "--seed", str(seed)])

    def __call__(self, *inputs):
        names = self.graph.inputs
        if len(inputs) != len(names):
            raise TypeError(f"{self.graph.name} takes {len(names)} input(s) ({', '.join(names)}), got {len(inputs)}")
        torch_out = False
        with tempfile.TemporaryDirectory(prefix="triton-metal-run-") as d:
            args = [self.graph.path()] + self._target_args() + ["--run", "--device", "--outputs-dir", os.path.join(d, "out")]
            for k, (name, x) in enumerate(zip(names, inputs)):
                if hasattr(x, "detach"):
                    torch_out = True
                    x = x.detach().cpu().numpy()
                x = np.ascontiguousarray(x)
                want = self.graph.builder.tensors[name]
                if tuple(x.shape) != want.shape:
                    raise ValueError(f"input '{name}' has shape {list(x.shape)}, the graph was compiled for {list(want.shape)}")
                f = os.path.join(d, f"in{k}.npy")
                np.save(f, x.astype(want.dtype, copy=False))
                args += ["--input", f"{name}={f}"]
            self.last_run = _run(args)
            index = json.load(open(os.path.join(d, "out", "outputs.json")))
            outs = [np.load(os.path.join(d, "out", index[o])) for o in self.graph.outputs]
        if torch_out:
            import torch
            outs = [torch.from_numpy(o) for o in outs]
        return outs[0] if self.graph.single_output and len(outs) == 1 else tuple(outs)


def compile(module, example_inputs=None, target=None, via="fx"):
    """Imports `module` (a torch.nn.Module with example_inputs, an ONNX path/ModelProto, or an ImportedGraph)
    and compiles it for `target` (m1..m5, ...; default: the graph command's default target). Returns a
    CompiledGraph: call it with tensors shaped like the examples."""
    if isinstance(module, ImportedGraph):
        graph = module
    elif isinstance(module, (str, os.PathLike, bytes)) or type(module).__name__ == "ModelProto":
        graph = from_onnx(module)
    else:
        graph = from_torch(module, example_inputs, via=via)
    return CompiledGraph(graph, target)
