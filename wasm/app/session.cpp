// The browser app's state and scoring loop (see session.h).
#include "session.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>

#include "ecglens/data/labels.h"
#include "ecglens/data/resample.h"
#include "ecglens/data/synthetic.h"
#include "ecglens/eval/loss.h"
#include "ecglens/eval/scores_csv.h"
#include "ecglens/eval/thresholds.h"
#include "ecglens/io/weights_file.h"
#include "ecglens/util/error.h"

namespace ecglens::app {

Session::Session() = default;
Session::~Session() = default;

bool Session::load_model(std::string_view bytes, const std::string& name) {
  ++loads_;
  try {
    const WeightsFile weights = parse_weights(bytes, name);
    auto scorer = std::make_unique<Scorer>(weights);
    std::vector<Preset> presets;
    for (const auto& [preset, value] : scorer->thresholds().values) presets.push_back({preset, value});
    scorer_ = std::move(scorer);
    model_name_ = name;
    model_presets_ = std::move(presets);
    default_preset_ = scorer_->thresholds().default_name;
    error_.clear();
  } catch (const std::exception& e) {
    error_ = e.what();
    return false;
  }
  if (data_ && data_->length != scorer_->model().architecture().seq_len) {
    const int want = scorer_->model().architecture().seq_len;
    resample_note_ = "beats resampled from " + std::to_string(data_->length) + " to " +
                     std::to_string(want) + " samples for this model";
    *data_ = resample(*data_, want);
  }
  restart_scoring();
  return true;
}

bool Session::load_data(std::string_view bytes, const std::string& name) {
  ++loads_;
  try {
    auto data = std::make_unique<Dataset>(parse_dataset(bytes, name));
    Labels labels;
    if (!data->labels.empty()) {
      for (BeatClass c : map_labels(*data, default_label_map(*data)))
        labels.push_back(static_cast<std::int8_t>(c));
    }
    std::string note;
    if (scorer_) {
      const auto& arch = scorer_->model().architecture();
      if (data->channels != arch.input_dim)
        throw InputError(name, 0, 0,
                         "beats have " + std::to_string(data->channels) +
                             " channel(s) but the model expects " + std::to_string(arch.input_dim));
      // As the CLI's --resample: beats of another length are resampled
      // (linearly) to the length the model was trained on.
      if (data->length != arch.seq_len) {
        note = "beats resampled from " + std::to_string(data->length) + " to " +
               std::to_string(arch.seq_len) + " samples for this model";
        *data = resample(*data, arch.seq_len);
      }
    }
    data_ = std::move(data);
    labels_ = std::move(labels);
    data_name_ = name;
    synthetic_labels_ = name.rfind("demo_synthetic", 0) == 0;
    resample_note_ = note;
    error_.clear();
  } catch (const std::exception& e) {
    error_ = e.what();
    return false;
  }
  restart_scoring();
  return true;
}

void Session::restart_scoring() {
  done_ = 0;
  elsewhere_ = false;
  accepted_.clear();
  engine_report.clear();
  engine_ = Engine::Core;
  core_scores_.clear();
  ort_scores_.clear();
  ort_reconstruction_.clear();
  scoring_ms_ = 0;
  beats_per_second_ = 0;
  roc_.clear();
  pr_.clear();
  roc_auc_ = pr_auc_ = 0;
  presets_.clear();
  const std::size_t n = beat_count();
  const std::size_t values = n * static_cast<std::size_t>(length()) * channels();
  scores_.assign(n, 0.0f);
  normalized_.assign(values, 0.0f);
  reconstruction_.assign(values, 0.0f);
  latent_.assign(scorer_ ? n * static_cast<std::size_t>(scorer_->model().latent_size()) : 0, 0.0f);
  pca_ = LatentPca();
  unscorable_ = scorer_ && data_ && data_->channels != scorer_->model().channels();
  if (unscorable_) {
    error_ = data_name_ + ": beats have " + std::to_string(data_->channels) +
             " channel(s) but the model expects " + std::to_string(scorer_->model().channels());
  }
}

namespace {
double now_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

bool Session::score_elsewhere() {
  if (!scoring() || done_ > 0) return false;
  elsewhere_ = true;
  accepted_.assign(beat_count(), 0);
  elsewhere_since_ms_ = now_ms();
  return true;
}

bool Session::accept_scored(std::size_t begin, std::size_t count, const float* scores,
                            const float* normalized, const float* reconstruction, const float* latent) {
  if (!scoring_elsewhere() || begin > beat_count() || count > beat_count() - begin) return false;
  if (std::any_of(accepted_.begin() + begin, accepted_.begin() + begin + count, [](char a) { return a != 0; }))
    return false;
  const std::size_t per_beat = static_cast<std::size_t>(length()) * channels();
  const std::size_t latent_size = static_cast<std::size_t>(scorer_->model().latent_size());
  std::copy(scores, scores + count, scores_.begin() + begin);
  std::copy(normalized, normalized + count * per_beat, normalized_.begin() + begin * per_beat);
  std::copy(reconstruction, reconstruction + count * per_beat, reconstruction_.begin() + begin * per_beat);
  std::copy(latent, latent + count * latent_size, latent_.begin() + begin * latent_size);
  std::fill(accepted_.begin() + begin, accepted_.begin() + begin + count, 1);
  done_ += count;
  const double elapsed = now_ms() - elsewhere_since_ms_;
  if (elapsed > 0) beats_per_second_ = done_ / (elapsed / 1000.0);
  if (done_ == beat_count()) finish_scoring();
  return true;
}

void Session::score_some(double budget_ms) {
  if (!scoring() || elsewhere_) return;
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const std::size_t per_beat = static_cast<std::size_t>(length()) * channels();
  const std::size_t tile = static_cast<std::size_t>(scorer_->model().tile());
  try {
    for (int tiles = 1; done_ < beat_count(); ++tiles) {
      const std::size_t count = std::min(tile, beat_count() - done_);
      const std::size_t latent_size = static_cast<std::size_t>(scorer_->model().latent_size());
      scorer_->score(data_->beat(done_), count, length(), scores_.data() + done_,
                     normalized_.data() + done_ * per_beat, reconstruction_.data() + done_ * per_beat,
                     latent_.data() + done_ * latent_size);
      done_ += count;
      // Stop when the next tile, taking as long as the ones so far, would
      // end past the budget.
      const double elapsed = std::chrono::duration<double, std::milli>(clock::now() - start).count();
      if (elapsed * (tiles + 1) / tiles > budget_ms) break;
    }
  } catch (const std::exception& e) {
    error_ = e.what();
    unscorable_ = true;  // no half-scored results are shown as scored
    return;
  }
  scoring_ms_ += std::chrono::duration<double, std::milli>(clock::now() - start).count();
  if (scoring_ms_ > 0) beats_per_second_ = done_ / (scoring_ms_ / 1000.0);
  if (done_ == beat_count()) finish_scoring();
}

void Session::finish_scoring() {
  pca_ = latent_pca(latent_.data(), beat_count(), scorer_->model().latent_size());
  presets_ = model_presets_;
  const Preset* chosen = nullptr;
  for (const auto& p : presets_)
    if (p.name == default_preset_) chosen = &p;
  if (!chosen && !presets_.empty()) chosen = &presets_.front();
  if (chosen) {
    threshold_ = chosen->value;
  } else if (!scores_.empty()) {
    // No presets in the model: start at the 95th percentile of these
    // scores, clearly named as coming from the data itself.
    const std::vector<double> all(scores_.begin(), scores_.end());
    presets_.push_back({"p95 of these scores (model has no presets)", percentile(all, 95.0)});
    threshold_ = presets_.back().value;
  }
  compute_curves();
}

void Session::compute_curves() {
  roc_.clear();
  pr_.clear();
  roc_auc_ = pr_auc_ = 0;
  if (!labelled()) return;
  const long anomalies = std::count(labels_.begin(), labels_.end(), 1);
  const long normals = static_cast<long>(labels_.size()) - anomalies;
  if (anomalies > 0 && normals > 0) {
    roc_ = roc_curve(scores_, labels_);
    pr_ = pr_curve(scores_, labels_);
    roc_auc_ = ecglens::roc_auc(scores_, labels_);
    pr_auc_ = ecglens::pr_auc(scores_, labels_);
  }
}

bool Session::set_ort_reconstruction(const float* values, std::size_t count) {
  if (!scored()) {
    error_ = "ONNX Runtime Web: nothing scored to compare with";
    return false;
  }
  if (count != normalized_.size()) {
    error_ = "ONNX Runtime Web: " + std::to_string(count) + " reconstructed values for " +
             std::to_string(normalized_.size()) + " input values";
    return false;
  }
  const std::size_t per_beat = static_cast<std::size_t>(length()) * channels();
  Scores scores(beat_count());
  try {
    for (std::size_t i = 0; i < beat_count(); ++i)
      scores[i] = beat_loss(normalized(i), values + i * per_beat, per_beat, scorer_->loss());
  } catch (const std::exception& e) {
    error_ = std::string("ONNX Runtime Web: ") + e.what();
    return false;
  }
  ort_reconstruction_.assign(values, values + count);
  ort_scores_ = std::move(scores);
  if (engine_ == Engine::Ort) {
    scores_ = ort_scores_;
    compute_curves();
  }
  return true;
}

bool Session::use_engine(Engine engine) {
  if (engine == engine_) return true;
  if (engine == Engine::Ort && !has_ort()) return false;
  if (engine == Engine::Ort) {
    core_scores_ = scores_;
    scores_ = ort_scores_;
  } else {
    scores_ = core_scores_;
  }
  engine_ = engine;
  compute_curves();
  return true;
}

double Session::progress() const {
  return beat_count() == 0 ? 0.0 : static_cast<double>(done_) / static_cast<double>(beat_count());
}

std::string Session::model_summary() const {
  if (!scorer_) return "no model";
  const auto& arch = scorer_->model().architecture();
  std::string s = std::string(to_string(arch.kind)) + ", " + std::to_string(arch.seq_len) +
                  " steps x " + std::to_string(arch.input_dim) + ", loss " +
                  to_string(scorer_->loss()) + ", normalisation " +
                  to_string(scorer_->normalization());
  if (!resample_note_.empty()) s += "; " + resample_note_;
  return s;
}

const float* Session::normalized(std::size_t beat) const {
  return normalized_.data() + beat * static_cast<std::size_t>(length()) * channels();
}

const float* Session::reconstruction(std::size_t beat) const {
  const auto& shown = engine_ == Engine::Ort ? ort_reconstruction_ : reconstruction_;
  return shown.data() + beat * static_cast<std::size_t>(length()) * channels();
}

std::vector<float> Session::timestep_error(std::size_t beat) const {
  std::vector<float> out(static_cast<std::size_t>(length()));
  ecglens::timestep_error(normalized(beat), reconstruction(beat), length(), channels(), out.data());
  return out;
}

std::size_t Session::flagged_count() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < done_; ++i) n += flagged(i) ? 1 : 0;
  return n;
}

std::string Session::label_text(std::size_t beat) const {
  if (!labelled()) return "";
  const std::string& label = data_->labels[beat];
  if (!synthetic_labels_) return label;
  const int value = std::atoi(label.c_str());
  if (value < static_cast<int>(BeatType::Normal) || value > static_cast<int>(BeatType::NoiseBurst) ||
      std::to_string(value) != label)
    return label;
  return label + " " + to_string(static_cast<BeatType>(value));
}

std::vector<Session::LabelCount> Session::label_counts() const {
  std::vector<LabelCount> counts;
  if (!labelled()) return counts;
  std::map<std::string, std::size_t> at;  // raw label -> index in counts
  for (std::size_t i = 0; i < done_; ++i) {
    const auto [it, added] = at.try_emplace(data_->labels[i], counts.size());
    if (added) counts.push_back({label_text(i), 0, 0});
    counts[it->second].beats += 1;
    counts[it->second].flagged += flagged(i) ? 1 : 0;
  }
  // Numeric labels in numeric order, any others after them by name.
  auto key = [](const std::string& label) {
    char* end = nullptr;
    const double v = std::strtod(label.c_str(), &end);
    return std::make_pair(end == label.c_str(), end == label.c_str() ? 0.0 : v);
  };
  std::stable_sort(counts.begin(), counts.end(), [&](const LabelCount& a, const LabelCount& b) {
    const auto ka = key(a.label), kb = key(b.label);
    return ka != kb ? ka < kb : a.label < b.label;
  });
  return counts;
}

std::optional<Confusion> Session::confusion() const {
  if (!scored() || !has_curves()) return std::nullopt;
  return confusion_at(scores_, labels_, threshold_);
}

const char* Session::loss_name() const { return scorer_ ? to_string(scorer_->loss()) : ""; }

double Session::time_scoring() {
  if (!scored()) return 0;
  std::vector<float> scores(beat_count());
  const auto start = std::chrono::steady_clock::now();
  scorer_->score(data_->values.data(), beat_count(), length(), scores.data());
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string Session::scores_csv() const {
  if (!data_) return scores_csv_header(Dataset{}, threshold_);
  return scores_csv_header(*data_, threshold_) + scores_csv_rows(*data_, scores_.data(), done_, threshold_);
}

nlohmann::json Session::state() const {
  nlohmann::json j;
  j["model"] = model_name_;
  j["model_summary"] = model_summary();
  j["data"] = data_name_;
  j["beats"] = beat_count();
  j["length"] = length();
  j["scored"] = scored();
  j["progress"] = progress();
  j["error"] = error_;
  j["loads"] = loads_;
  j["loss"] = loss_name();
  j["channels"] = channels();
  j["engine_report"] = engine_report;
  j["engine"] = engine_ == Engine::Ort ? "ort" : "core";
  j["has_ort"] = has_ort();
  j["pca"] = {{"points", pca_.x.size()},
              {"variance", {pca_.variance[0], pca_.variance[1]}},
              {"explained", pca_.explained}};
  j["beats_per_second"] = beats_per_second_;
  j["scored_elsewhere"] = elsewhere_;  // by the page's workers
  j["threshold"] = threshold_;
  j["flagged"] = flagged_count();
  j["labelled"] = labelled();
  nlohmann::json presets = nlohmann::json::array();
  for (const auto& p : presets_) presets.push_back({{"name", p.name}, {"value", p.value}});
  j["presets"] = presets;
  nlohmann::json by_label = nlohmann::json::array();
  for (const auto& c : label_counts())
    by_label.push_back({{"label", c.label}, {"beats", c.beats}, {"flagged", c.flagged}});
  j["by_label"] = by_label;
  if (auto c = confusion()) {
    j["confusion"] = {{"tp", c->tp}, {"fp", c->fp}, {"tn", c->tn}, {"fn", c->fn}};
    j["metrics"] = {{"accuracy", c->accuracy()}, {"precision", c->precision()},
                    {"recall", c->recall()},     {"f1", c->f1()},
                    {"roc_auc", roc_auc_},       {"pr_auc", pr_auc_}};
  }
  return j;
}

}  // namespace ecglens::app
