// The ONNX export's graphs: valid for ONNX's own checker, the documented
// input/output names and shapes, metadata, length rules, errors naming the
// tensor at fault, and the atomic write. Numbers are checked against ONNX
// Runtime by onnx_parity.mjs (ctest label `onnx`).
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include "ecglens/export/onnx_export.h"
#include "ecglens/util/error.h"
#include "test_paths.h"

namespace ecglens {
namespace {

std::vector<std::string> golden_cases() {
  std::ifstream in(test::fixture("golden/index.json"));
  const nlohmann::json index = nlohmann::json::parse(in);
  std::vector<std::string> names;
  for (const auto& c : index.at("cases")) names.push_back(c.at("case"));
  return names;
}

WeightsFile golden_weights(const std::string& name) {
  return read_weights(test::fixture("golden/" + name + ".ecgw").string());
}

onnx::ModelProto parse(const std::string& bytes) {
  onnx::ModelProto model;
  EXPECT_TRUE(model.ParseFromString(bytes));
  return model;
}

std::vector<std::string> dims_of(const onnx::ValueInfoProto& v) {
  std::vector<std::string> dims;
  for (const auto& d : v.type().tensor_type().shape().dim())
    dims.push_back(d.has_dim_param() ? d.dim_param() : std::to_string(d.dim_value()));
  return dims;
}

std::string metadata(const onnx::ModelProto& model, const std::string& key) {
  for (const auto& p : model.metadata_props())
    if (p.key() == key) return p.value();
  return "<absent>";
}

class EveryGoldenModel : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryGoldenModel, PassesOnnxCheckerWithBeatsInAndReconstructionOut) {
  const WeightsFile w = golden_weights(GetParam());
  const onnx::ModelProto model = parse(onnx_model_bytes(w));
  EXPECT_NO_THROW(onnx::checker::check_model(model));
  ASSERT_EQ(model.opset_import_size(), 1);
  EXPECT_EQ(model.opset_import(0).version(), kOnnxOpset);
  const auto& g = model.graph();
  ASSERT_EQ(g.input_size(), 1);
  ASSERT_EQ(g.output_size(), 1);
  EXPECT_EQ(g.input(0).name(), "beats");
  EXPECT_EQ(g.output(0).name(), "reconstruction");
  const std::vector<std::string> expected{"batch", std::to_string(w.architecture.at("seq_len").get<int>()),
                                          std::to_string(w.architecture.at("input_dim").get<int>())};
  EXPECT_EQ(dims_of(g.input(0)), expected);
  EXPECT_EQ(dims_of(g.output(0)), expected);
  EXPECT_EQ(g.input(0).type().tensor_type().elem_type(), onnx::TensorProto::FLOAT);
  EXPECT_EQ(metadata(model, "ecglens.kind"), w.kind());
  EXPECT_EQ(metadata(model, "ecglens.normalization"), w.per_beat());
}

INSTANTIATE_TEST_SUITE_P(Golden, EveryGoldenModel, ::testing::ValuesIn(golden_cases()),
                         [](const auto& info) { return info.param; });

TEST(OnnxExport, RecurrentModelTakesAnotherLengthWhenAsked) {
  OnnxExportOptions options;
  options.seq_len = 7;
  const onnx::ModelProto model = parse(onnx_model_bytes(golden_weights("recae_gru"), options));
  EXPECT_NO_THROW(onnx::checker::check_model(model));
  EXPECT_EQ(dims_of(model.graph().input(0)), (std::vector<std::string>{"batch", "7", "1"}));
}

TEST(OnnxExport, RecAeDecoderIsUnrolledOneStepPerEarlierSample) {
  // recae_gru: one decoder layer, so T - 1 decoder GRU nodes plus one encoder GRU.
  OnnxExportOptions options;
  options.seq_len = 5;
  const onnx::ModelProto model = parse(onnx_model_bytes(golden_weights("recae_gru"), options));
  int grus = 0;
  for (const auto& n : model.graph().node()) grus += n.op_type() == "GRU";
  EXPECT_EQ(grus, 1 + 4);
}

TEST(OnnxExport, FixedLengthKindsRefuseAnotherLength) {
  OnnxExportOptions options;
  options.seq_len = 20;
  EXPECT_THROW(onnx_model_bytes(golden_weights("mlp_ae"), options), Error);
  EXPECT_THROW(onnx_model_bytes(golden_weights("conv1d_ae"), options), Error);
}

TEST(OnnxExport, MissingTensorIsAWeightsErrorNamingIt) {
  WeightsFile w = golden_weights("lstm_ae_small");
  w.tensors.erase(w.tensors.begin());  // encoder.0.weight_ih
  try {
    onnx_model_bytes(w);
    FAIL() << "export accepted weights without encoder.0.weight_ih";
  } catch (const WeightsError& e) {
    EXPECT_EQ(e.tensor(), "encoder.0.weight_ih");
  }
}

class OnnxWrite : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ecglens_onnx_write_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(OnnxWrite, ReplacesAnExistingFileAndLeavesNoTemporaryBehind) {
  const auto path = dir_ / "model.onnx";
  { std::ofstream(path) << "old"; }
  const WeightsFile w = golden_weights("lstm_ae_small");
  export_onnx(w, path.string());
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, onnx_model_bytes(w));
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST_F(OnnxWrite, MissingFolderIsAnErrorNamingThePath) {
  const auto path = dir_ / "no_such_folder" / "model.onnx";
  try {
    export_onnx(golden_weights("lstm_ae_small"), path.string());
    FAIL() << "export wrote into a missing folder";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(OnnxWrite, InvalidWeightsLeaveTheOldFileUntouched) {
  const auto path = dir_ / "model.onnx";
  { std::ofstream(path) << "old"; }
  WeightsFile w = golden_weights("lstm_ae_small");
  w.tensors.pop_back();
  EXPECT_THROW(export_onnx(w, path.string()), WeightsError);
  std::ifstream in(path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "old");
}

}  // namespace
}  // namespace ecglens
