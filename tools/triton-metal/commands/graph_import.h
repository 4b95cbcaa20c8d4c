// Model files other than the graph JSON format for `triton-metal graph`: an .onnx file is converted by the
// Python importer (python/triton_metal/graph/_importer/cli.py, run with Debian's python3 and its onnx
// package) into the JSON format plus .npy weights, which the graph command then loads as usual.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tmetal::cli {

// True when `model` names an ONNX file (by its extension).
bool is_onnx_file(const std::filesystem::path& model);

// Runs the importer on `model`, writing into `work_dir` (created); returns the graph JSON it wrote.
// `input_shapes` are "NAME=D0,D1,..." strings for inputs with symbolic dimensions. Throws
// std::runtime_error with the importer's message (naming the file, or the ONNX node and op type) on failure.
std::filesystem::path import_onnx_model(const std::filesystem::path& model, const std::filesystem::path& work_dir,
                                        const std::vector<std::string>& input_shapes);

}  // namespace tmetal::cli
