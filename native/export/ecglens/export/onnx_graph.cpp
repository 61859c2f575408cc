#include "ecglens/export/onnx_graph.h"

namespace ecglens::onnx_graph {
namespace {

void set_batched_type(onnx::ValueInfoProto* value, const std::string& name,
                      const std::vector<std::int64_t>& dims) {
  value->set_name(name);
  auto* tensor = value->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  auto* shape = tensor->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  for (const std::int64_t d : dims) shape->add_dim()->set_dim_value(d);
}

}  // namespace

std::string GraphBuilder::fresh(const std::string& stem) {
  return stem + "_" + std::to_string(counter_++);
}

std::string GraphBuilder::floats(const std::string& stem, const std::vector<std::int64_t>& shape,
                                 const std::vector<float>& values) {
  const std::string name = fresh(stem);
  onnx::TensorProto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (const std::int64_t d : shape) t->add_dims(d);
  // raw_data is little-endian float32, as the machines we build for store it.
  t->set_raw_data(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  return name;
}

std::string GraphBuilder::int64s(const std::string& stem, const std::vector<std::int64_t>& values) {
  const std::string name = fresh(stem);
  onnx::TensorProto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<std::int64_t>(values.size()));
  for (const std::int64_t v : values) t->add_int64_data(v);
  return name;
}

std::string GraphBuilder::int64_scalar(const std::string& stem, std::int64_t value) {
  const std::string name = fresh(stem);
  onnx::TensorProto* t = graph_->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_int64_data(value);
  return name;
}

std::vector<std::string> GraphBuilder::node(const std::string& op,
                                            const std::vector<std::string>& inputs,
                                            const std::string& stem, int outputs,
                                            const std::vector<Attribute>& attributes) {
  onnx::NodeProto* n = graph_->add_node();
  n->set_op_type(op);
  n->set_name(fresh(op));
  for (const auto& in : inputs) n->add_input(in);
  std::vector<std::string> names;
  for (int i = 0; i < outputs; ++i) {
    names.push_back(fresh(stem));
    n->add_output(names.back());
  }
  for (const Attribute& a : attributes) {
    onnx::AttributeProto* p = n->add_attribute();
    p->set_name(a.name);
    switch (a.kind) {
      case Attribute::Kind::Int:
        p->set_type(onnx::AttributeProto::INT);
        p->set_i(a.i);
        break;
      case Attribute::Kind::Float:
        p->set_type(onnx::AttributeProto::FLOAT);
        p->set_f(a.f);
        break;
      case Attribute::Kind::Ints:
        p->set_type(onnx::AttributeProto::INTS);
        for (const std::int64_t v : a.ints) p->add_ints(v);
        break;
    }
  }
  return names;
}

void GraphBuilder::rename(const std::string& value, const std::string& name) {
  onnx::NodeProto* n = graph_->add_node();
  n->set_op_type("Identity");
  n->set_name(fresh("Identity"));
  n->add_input(value);
  n->add_output(name);
}

void GraphBuilder::input(const std::string& name, const std::vector<std::int64_t>& dims) {
  set_batched_type(graph_->add_input(), name, dims);
}

void GraphBuilder::output(const std::string& name, const std::vector<std::int64_t>& dims) {
  set_batched_type(graph_->add_output(), name, dims);
}

}  // namespace ecglens::onnx_graph
