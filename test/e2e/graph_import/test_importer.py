"""The importers on their own (no device): the decomposed forms the exporters emit are recognised, and
models that cannot be imported fail with an error naming the node (name and op type) or the file, before
anything is compiled or run; the command line reports the same errors."""
import os
import subprocess
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import pytest
import torch
import torch.nn as nn
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402
import triton_metal.graph as tmg  # noqa: E402

CLI = os.environ.get("TRITON_METAL_CLI", "triton-metal")


def onnx_model(nodes, inputs, outputs, initializers=(), opset=14):
    g = helper.make_graph(nodes, "m", inputs, outputs, initializer=list(initializers))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def test_recognised_forms():
    """The exporters' decomposed forms are rewritten into the ops the fusion patterns are written over."""
    seen = {}
    for name in models.MODELS:
        module, x = models.build(name)
        for via in ("onnx", "fx"):
            g = tmg.from_torch(module, (x,), via=via)
            seen[(name, via)] = g.recognised
            assert "erf" not in g.ops() and "sigmoid" not in g.ops() and "pow" not in g.ops(), (name, via, g.ops())
    assert seen[("llama", "onnx")].get("rms_norm") == 2 and seen[("llama", "onnx")].get("silu") == 1
    assert seen[("llama", "fx")].get("rms_norm") == 2 and seen[("llama", "fx")].get("causal_mask") == 1
    assert seen[("llama", "onnx")].get("rope") == 2 and seen[("llama", "fx")].get("rope") == 2
    assert seen[("gpt2", "onnx")].get("gelu-tanh") == 1 and seen[("gpt2", "onnx")].get("layer_norm") == 2
    assert seen[("gpt2", "fx")].get("gelu-tanh") == 1 and seen[("gpt2", "fx")].get("causal_mask") == 1
    assert seen[("vit", "onnx")].get("gelu-erf") == 1


def test_onnx_unsupported_op_names_node():
    m = onnx_model([helper.make_node("Relu", ["x"], ["h"], name="act"), helper.make_node("Hardmax", ["h"], ["y"], name="my_hardmax")],
                   [vi("x", [2, 3])], [vi("y", [2, 3])])
    with pytest.raises(tmg.GraphImportError, match=r"node 'my_hardmax' \(Hardmax\): op type Hardmax is not supported"):
        tmg.from_onnx(m)


def test_onnx_unsupported_attribute_names_node():
    m = onnx_model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv_same", auto_pad="SAME_UPPER")],
                   [vi("x", [1, 2, 5, 5])], [vi("y", [1, 2, 5, 5])],
                   [onnx.numpy_helper.from_array(np.ones((2, 2, 3, 3), np.float32), "w")])
    with pytest.raises(tmg.GraphImportError, match=r"node 'conv_same' \(Conv\): auto_pad=.*SAME_UPPER.* is not supported"):
        tmg.from_onnx(m)
    m = onnx_model([helper.make_node("Softmax", ["x"], ["y"], name="sm", axis=1, extra=3)], [vi("x", [2, 3])], [vi("y", [2, 3])])
    with pytest.raises(tmg.GraphImportError, match=r"the ONNX checker|node 'sm' \(Softmax\): attribute 'extra'"):
        tmg.from_onnx(m)


def test_onnx_lone_erf_is_an_error():
    m = onnx_model([helper.make_node("Erf", ["x"], ["y"], name="lonely_erf")], [vi("x", [4])], [vi("y", [4])])
    with pytest.raises(tmg.GraphImportError, match=r"node 'lonely_erf' \(Erf\): Erf is supported only as part of GELU"):
        tmg.from_onnx(m)


def test_onnx_runtime_where_condition_is_an_error():
    m = onnx_model([helper.make_node("Greater", ["x", "z"], ["c"], name="gt"), helper.make_node("Where", ["c", "x", "z"], ["y"], name="sel")],
                   [vi("x", [4]), vi("z", [4])], [vi("y", [4])])
    with pytest.raises(tmg.GraphImportError, match=r"node 'gt' \(Greater\): comparisons are supported only on constants"):
        tmg.from_onnx(m)


def test_onnx_symbolic_dims_need_shapes():
    m = onnx_model([helper.make_node("Relu", ["x"], ["y"], name="r")], [vi("x", ["batch", 3])], [vi("y", ["batch", 3])])
    with pytest.raises(tmg.GraphImportError, match=r"input 'x': dimension 0 is symbolic \('batch'\)"):
        tmg.from_onnx(m)
    g = tmg.from_onnx(m, input_shapes={"x": [5, 3]})
    assert g.builder.tensors["x"].shape == (5, 3)


def test_onnx_external_data(tmp_path):
    """Initializers stored in an external data file next to the model are read."""
    w = np.random.default_rng(0).standard_normal((8, 4)).astype(np.float32)
    m = onnx_model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")], [vi("x", [2, 8])], [vi("y", [2, 4])],
                   [onnx.numpy_helper.from_array(w, "w")])
    path = tmp_path / "ext.onnx"
    onnx.save_model(m, str(path), save_as_external_data=True, all_tensors_to_one_file=True, location="ext.bin", size_threshold=0)
    assert (tmp_path / "ext.bin").exists()
    g = tmg.from_onnx(str(path))
    assert np.array_equal(next(iter(g.builder.consts.values())), w)


def test_malformed_onnx_file(tmp_path):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"\x08\x07this is not a protobuf \xff\xff\xff")
    with pytest.raises(tmg.GraphImportError, match=r"broken.onnx: not a valid ONNX model"):
        tmg.from_onnx(str(bad))
    with pytest.raises(tmg.GraphImportError, match=r"cannot open ONNX file"):
        tmg.from_onnx(str(tmp_path / "missing.onnx"))


def test_fx_unsupported_module_names_node():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.rnn = nn.GRU(4, 4)

        def forward(self, x):
            return self.rnn(self.fc(x))[0]

    with pytest.raises(tmg.GraphImportError, match=r"node 'rnn' \(GRU\): module type GRU is not supported"):
        tmg.compile(M(), (torch.randn(3, 1, 4),), target="m3")


def test_fx_unsupported_function_names_node():
    class M(nn.Module):
        def forward(self, x):
            return torch.cumsum(x, 0) + 1

    with pytest.raises(tmg.GraphImportError, match=r"node 'cumsum' \(cumsum\): cumsum is not supported"):
        tmg.from_torch(M(), (torch.randn(4, 4),))


def run_cli(*args):
    return subprocess.run([CLI, "graph", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_cli_errors(tmp_path):
    bad = tmp_path / "broken.onnx"
    bad.write_bytes(b"garbage that is not ONNX")
    p = run_cli(str(bad), "--report")
    assert p.returncode == 1 and "broken.onnx: not a valid ONNX model" in p.stderr, p.stderr
    m = onnx_model([helper.make_node("Relu", ["x"], ["h"], name="act"), helper.make_node("Hardmax", ["h"], ["y"], name="my_hardmax")],
                   [vi("x", [2, 3])], [vi("y", [2, 3])])
    path = tmp_path / "hardmax.onnx"
    onnx.save(m, str(path))
    p = run_cli(str(path), "--target", "m3", "--run", "--check")
    assert p.returncode == 1 and "node 'my_hardmax' (Hardmax): op type Hardmax is not supported" in p.stderr, p.stderr
    assert "ran on" not in p.stdout  # nothing half-compiled ran
    p = run_cli(str(tmp_path / "absent.onnx"))
    assert p.returncode == 1 and "cannot open ONNX file" in p.stderr
    # a python3 without the onnx package (site-packages off): the command says what to install
    fake = tmp_path / "python-without-onnx"
    fake.write_text("#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n")
    fake.chmod(0o755)
    p = subprocess.run([CLI, "graph", str(path), "--report"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       env=dict(os.environ, TRITON_METAL_PYTHON=str(fake)))
    assert p.returncode == 1 and "install Debian's python3-onnx" in p.stderr, p.stderr


def test_cli_onnx_inputs_and_outputs(tmp_path):
    """--input/--outputs-dir with --run --device carry real values: y = relu(x @ w + b) checked in numpy."""
    rng = np.random.default_rng(3)
    w, bias = rng.standard_normal((8, 5)).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    m = onnx_model([helper.make_node("Gemm", ["x", "w", "b"], ["h"], name="fc"), helper.make_node("Relu", ["h"], ["y"], name="act")],
                   [vi("x", [3, 8])], [vi("y", [3, 5])],
                   [onnx.numpy_helper.from_array(w, "w"), onnx.numpy_helper.from_array(bias, "b")])
    path = tmp_path / "fc.onnx"
    onnx.save(m, str(path))
    x = rng.standard_normal((3, 8)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    p = run_cli(str(path), "--target", "m1", "--run", "--device", "--input", f"x={tmp_path / 'x.npy'}", "--outputs-dir", str(tmp_path / "o"))
    assert p.returncode == 0, p.stderr
    y = np.load(tmp_path / "o" / "y.npy")
    want = np.maximum(x.astype(np.float64) @ w + bias, 0)
    assert np.abs(y - want).max() <= 1e-4 * np.abs(want).max()


@pytest.mark.parametrize("name", ["gpt2", "llama", "vit"])
def test_onnx_dynamic_axes_fold_to_the_static_graph(name):
    """Exported with dynamic batch and sequence axes, the model carries Shape/Gather/Unsqueeze/Concat/Div/Cast
    arithmetic feeding its Reshapes and mask Slices; with static input shapes given, all of it folds at import
    and the graph is the one the static export gives (same ops, same constants)."""
    import io
    module, x = models.build(name)
    f = io.BytesIO()
    with torch.no_grad():
        torch.onnx.export(module, (x,), f, opset_version=14, input_names=["x"], output_names=["y"],
                          dynamic_axes={"x": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}})
    proto = onnx.load_from_string(f.getvalue())
    assert {"Shape", "Gather", "Concat"} <= {n.op_type for n in proto.graph.node}
    with pytest.raises(tmg.GraphImportError, match="is symbolic"):
        tmg.from_onnx(proto)
    dynamic = tmg.from_onnx(proto, input_shapes={"x": list(x.shape)})
    static = tmg.from_torch(module, (x,), via="onnx")
    assert dynamic.ops() == static.ops()
    assert dynamic.recognised == static.recognised
    dc = sorted((c.shape, float(np.abs(c.astype(np.float64)).sum())) for c in dynamic.builder.consts.values())
    sc = sorted((c.shape, float(np.abs(c.astype(np.float64)).sum())) for c in static.builder.consts.values())
    assert dc == sc
    if name == "gpt2":  # and it runs: the fused plan on the emulator against torch
        fn = tmg.compile(dynamic, target="m3")
        with torch.no_grad():
            want = module(x)
        got = fn(x)
        assert float((got - want).abs().max() / want.abs().max()) < 1e-5


def test_finite_causal_mask_only_before_softmax():
    """A causal mask of -1e9 (not -inf) becomes causal_mask only when a softmax reads the sum: x + (-1e9)
    equals -inf only after the softmax."""
    mask = np.triu(np.full((4, 4), -1e9, np.float32), 1)
    init = [onnx.numpy_helper.from_array(mask, "mask")]
    soft = onnx_model([helper.make_node("Add", ["x", "mask"], ["s"], name="add_mask"), helper.make_node("Softmax", ["s"], ["y"], name="sm")],
                      [vi("x", [2, 4, 4])], [vi("y", [2, 4, 4])], init)
    assert tmg.from_onnx(soft).ops() == ["causal_mask", "softmax"]
    raw = onnx_model([helper.make_node("Add", ["x", "mask"], ["y"], name="add_mask")], [vi("x", [2, 4, 4])], [vi("y", [2, 4, 4])], init)
    assert tmg.from_onnx(raw).ops() == ["add"]
    inf_mask = onnx_model([helper.make_node("Add", ["x", "mask"], ["y"], name="add_mask")], [vi("x", [2, 4, 4])], [vi("y", [2, 4, 4])],
                          [onnx.numpy_helper.from_array(np.triu(np.full((4, 4), -np.inf, np.float32), 1), "mask")])
    assert tmg.from_onnx(inf_mask).ops() == ["causal_mask"]


def test_cli_f16_onnx_model(tmp_path):
    """An f16 model (initializers and activations f16, as exported from a GPU): imported in f16, fused, run on
    the emulator, fused and unfused kernels within the f16 tolerance of the float64 reference."""
    rng = np.random.default_rng(0)
    w = (rng.standard_normal((16, 32)) / 4).astype(np.float16)
    b = (rng.standard_normal(32) / 4).astype(np.float16)
    w2 = (rng.standard_normal((32, 16)) / 6).astype(np.float16)
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"], name="fc1"), helper.make_node("Add", ["h", "b"], ["hb"], name="bias"),
             helper.make_node("Relu", ["hb"], ["r"], name="act"), helper.make_node("MatMul", ["r", "w2"], ["y"], name="fc2")]
    g = helper.make_graph(nodes, "f16mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [4, 16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [4, 16])],
                          initializer=[onnx.numpy_helper.from_array(v, n) for v, n in ((w, "w"), (b, "b"), (w2, "w2"))])
    path = tmp_path / "f16mlp.onnx"
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)]), str(path))
    p = run_cli(str(path), "--target", "m3", "--report", "--run", "--check")
    assert p.returncode == 0, p.stderr
    assert "applied matmul_bias_act" in p.stdout and "check y [4,16] f16:" in p.stdout and "PASS" in p.stdout, p.stdout


@pytest.mark.parametrize("opset", [11, 13, 17])
def test_onnx_opsets_import_to_the_same_graph(opset):
    """Ops whose form changed across opsets (Softmax's axis semantics before 13; Squeeze/Unsqueeze/Split/
    ReduceSum axes moving from attributes to inputs at 13; LayerNormalization at 17) import to the graph
    opset 14 gives."""
    for name in models.MODELS:
        module, x = models.build(name)
        other = tmg.from_torch(module, (x,), via="onnx", opset_version=opset)
        base = tmg.from_torch(module, (x,), via="onnx", opset_version=14)
        assert sorted(other.ops()) == sorted(base.ops()), (name, opset)
