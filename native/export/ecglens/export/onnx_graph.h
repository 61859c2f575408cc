// A small helper for building ONNX graphs node by node: unique value names,
// float initializers, int64 constants and nodes with attributes. Used by
// onnx_export.cpp; nothing outside the export library sees protobuf types.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

namespace ecglens::onnx_graph {

// An attribute of a node: an int, a float or a list of ints.
struct Attribute {
  Attribute(std::string n, std::int64_t v) : name(std::move(n)), kind(Kind::Int), i(v) {}
  Attribute(std::string n, int v) : Attribute(std::move(n), static_cast<std::int64_t>(v)) {}
  Attribute(std::string n, float v) : name(std::move(n)), kind(Kind::Float), f(v) {}
  Attribute(std::string n, std::vector<std::int64_t> v)
      : name(std::move(n)), kind(Kind::Ints), ints(std::move(v)) {}

  enum class Kind { Int, Float, Ints };
  std::string name;
  Kind kind;
  std::int64_t i = 0;
  float f = 0.0f;
  std::vector<std::int64_t> ints;
};

class GraphBuilder {
 public:
  explicit GraphBuilder(onnx::GraphProto* graph) : graph_(graph) {}

  // A name no other value of the graph has, starting with `stem`.
  std::string fresh(const std::string& stem);

  // A float32 initializer of `shape` holding `values` (row-major); returns its name.
  std::string floats(const std::string& stem, const std::vector<std::int64_t>& shape,
                     const std::vector<float>& values);
  // A 1-D int64 initializer (shapes, axes, permutations); returns its name.
  std::string int64s(const std::string& stem, const std::vector<std::int64_t>& values);
  // A 0-d int64 initializer (a Gather index); returns its name.
  std::string int64_scalar(const std::string& stem, std::int64_t value);

  // Adds a node and returns the names of its `outputs` outputs, made fresh
  // from `stem`. An empty input name is an omitted optional input.
  std::vector<std::string> node(const std::string& op, const std::vector<std::string>& inputs,
                                const std::string& stem, int outputs = 1,
                                const std::vector<Attribute>& attributes = {});
  // The same for a node with one output.
  std::string op(const std::string& op, const std::vector<std::string>& inputs,
                 const std::string& stem, const std::vector<Attribute>& attributes = {}) {
    return node(op, inputs, stem, 1, attributes)[0];
  }

  // Gives `value` the graph-level name `name` (through an Identity node).
  void rename(const std::string& value, const std::string& name);

  // Declares a float32 graph input or output of shape [batch, dims...]
  // where batch is the symbolic dimension "batch".
  void input(const std::string& name, const std::vector<std::int64_t>& dims);
  void output(const std::string& name, const std::vector<std::int64_t>& dims);

 private:
  onnx::GraphProto* graph_;
  int counter_ = 0;
};

}  // namespace ecglens::onnx_graph
