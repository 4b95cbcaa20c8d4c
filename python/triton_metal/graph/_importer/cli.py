"""Command-line ONNX importer run by `triton-metal graph model.onnx ...` (tools/triton-metal/commands/graph_import.cpp):

    python3 cli.py MODEL.onnx OUT_DIR [--input-shape NAME=D0,D1,...]... [--error-file FILE]

Writes OUT_DIR/<model>.json plus its .npy weights and prints the JSON path. On failure writes the one-line
error to --error-file (for the C++ command to report) and to stderr, and exits 1. Needs only numpy and
Debian's python3-onnx; it does not import triton_metal."""
import argparse
import os
import sys


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("model")
    ap.add_argument("out_dir")
    ap.add_argument("--input-shape", action="append", default=[])
    ap.add_argument("--error-file")
    args = ap.parse_args(argv)
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

    def fail(msg):
        if args.error_file:
            with open(args.error_file, "w") as f:
                f.write(msg)
        else:
            print(f"error: {msg}", file=sys.stderr)
        return 1

    try:
        import onnx  # noqa: F401
    except ImportError:
        return fail(f"{args.model}: importing ONNX needs the onnx Python package: install Debian's python3-onnx "
                    "(apt-get install python3-onnx)")
    from _importer.errors import GraphImportError
    from _importer.onnx_import import import_onnx
    shapes = {}
    for spec in args.input_shape:
        name, _, dims = spec.rpartition("=")
        try:
            shapes[name] = [int(d) for d in dims.split(",") if d.strip()]
        except ValueError:
            return fail(f"--input-shape '{spec}': expected NAME=D0,D1,... with integer dimensions")
    try:
        b = import_onnx(args.model, input_shapes=shapes, name=os.path.splitext(os.path.basename(args.model))[0])
        path = b.write(args.out_dir, doc=f"imported from {os.path.basename(args.model)}; recognised: {b.recognised}")
    except GraphImportError as e:
        msg = str(e)
        return fail(msg if msg.startswith(args.model) else f"{args.model}: {msg}")
    if not args.error_file:  # run by hand: say where the graph went
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
