// What the browser app knows and does, without any drawing: the loaded
// model and beats, scoring in chunks (so the page stays responsive), the
// threshold and everything computed from it. The ImGui panels (ui.cpp) read
// it; the JS test interface (bindings.cpp) drives it through act().
//
// Every input problem (a malformed CSV, a weights file that does not fit its
// architecture) is caught at the load call and kept as error(): the message
// is the core's own (file, line, column or tensor), and the session keeps
// whatever it had before.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ecglens/data/dataset.h"
#include "ecglens/eval/metrics.h"
#include "ecglens/model/scorer.h"
#include "latent_pca.h"

namespace ecglens::app {

// A named threshold the user can pick.
struct Preset {
  std::string name;
  double value;
};

class Session {
 public:
  Session();
  ~Session();

  // Both replace the current model / beats and restart scoring. On a bad
  // input they keep the old state, set error() and return false.
  bool load_model(std::string_view bytes, const std::string& name);
  bool load_data(std::string_view bytes, const std::string& name);

  // Scores tiles of beats while the next one is expected to end within
  // budget_ms milliseconds (at least one tile). Call once per frame; does
  // nothing when nothing is pending.
  void score_some(double budget_ms);
  bool scoring() const { return scorer_ && data_ && !unscorable_ && done_ < beat_count(); }
  bool scored() const {
    return scorer_ && data_ && !unscorable_ && beat_count() > 0 && done_ == beat_count();
  }
  double progress() const;
  double beats_per_second() const { return beats_per_second_; }

  // Scoring elsewhere (the page's Web Workers, each running the core on a
  // range of these beats with this model): score_some() then does nothing
  // and accept_scored() takes each range's results as it arrives, in any
  // order. Any load ends it (the new beats or model score here again until
  // score_elsewhere() is called for them). False when nothing is to score.
  bool score_elsewhere();
  bool scoring_elsewhere() const { return elsewhere_ && scoring(); }
  // Scoring elsewhere failed: scores every beat here again, from the start.
  void score_here() {
    if (elsewhere_) restart_scoring();
  }
  // The results of beats [begin, begin + count): scores, and normalized /
  // reconstruction ([beat][step][channel]) and latent ([beat][latent size])
  // as Scorer::score() writes them. False (and nothing kept) when not
  // scoring elsewhere, or the range is outside the beats or was given
  // before.
  bool accept_scored(std::size_t begin, std::size_t count, const float* scores,
                     const float* normalized, const float* reconstruction, const float* latent);

  // Counts load_model / load_data calls, failed ones included.
  long loads() const { return loads_; }
  const std::string& error() const { return error_; }
  void clear_error() { error_.clear(); }

  // The model and the data, when loaded.
  bool has_model() const { return scorer_ != nullptr; }
  bool has_data() const { return data_ != nullptr; }
  const std::string& model_name() const { return model_name_; }
  const std::string& data_name() const { return data_name_; }
  std::string model_summary() const;
  const Dataset* data() const { return data_.get(); }
  std::size_t beat_count() const { return data_ ? data_->size() : 0; }
  int length() const { return data_ ? data_->length : 0; }
  int channels() const { return data_ ? data_->channels : 0; }

  // Per beat, valid once scored() (scores of beats not yet scored are 0).
  const Scores& scores() const { return scores_; }
  bool labelled() const { return !labels_.empty(); }
  const Labels& labels() const { return labels_; }  // 0 normal, 1 anomaly
  // A beat's label as shown: the file's own, followed by the anomaly type's
  // name for the synthetic demo beats (files named demo_synthetic*: "2 pvc").
  std::string label_text(std::size_t beat) const;
  // Per distinct label of the file (in numeric order when labels are
  // numbers): how many beats carry it and how many are flagged.
  struct LabelCount {
    std::string label;  // as label_text()
    std::size_t beats = 0, flagged = 0;
  };
  std::vector<LabelCount> label_counts() const;
  // The beat as the model saw it (normalised) and its reconstruction.
  const float* normalized(std::size_t beat) const;
  const float* reconstruction(std::size_t beat) const;
  // Squared error per step (averaged over channels) of one beat.
  std::vector<float> timestep_error(std::size_t beat) const;

  // Threshold: flag a beat when score > threshold.
  double threshold() const { return threshold_; }
  void set_threshold(double value) { threshold_ = value; }
  const std::vector<Preset>& presets() const { return presets_; }
  bool flagged(std::size_t beat) const { return scores_[beat] > threshold_; }
  std::size_t flagged_count() const;

  // Needs labels and both classes (else nothing): the confusion at the
  // threshold, the curves and their areas, computed by the core.
  std::optional<Confusion> confusion() const;
  const std::vector<RocPoint>& roc() const { return roc_; }
  const std::vector<PrPoint>& pr() const { return pr_; }
  double roc_auc() const { return roc_auc_; }
  double pr_auc() const { return pr_auc_; }
  bool has_curves() const { return !roc_.empty(); }

  // The whole buffers, [beat][step][channel], for the page's second engine.
  const std::vector<float>& normalized_all() const { return normalized_; }
  const std::vector<float>& reconstruction_all() const { return reconstruction_; }
  const char* loss_name() const;
  // Scores every beat again in one go (into scratch buffers) and returns
  // the milliseconds it took: the core's speed without the per-frame split.
  double time_scoring();
  // A line about the other engine, shown under the metrics.
  std::string engine_report;

  // The engine whose reconstructions the scores shown (list, histogram,
  // metrics, curves, export, the beat view) come from: the core, or ONNX
  // Runtime Web once the page has passed its reconstructions in. Both are
  // scored here with the model's own loss. The latent view stays the core's
  // (the exported model outputs only the reconstruction). Any load goes
  // back to the core.
  enum class Engine { Core, Ort };
  Engine engine() const { return engine_; }
  // ORT's reconstructions of every scored beat, [beat][step][channel] as
  // normalized_all(); false (and error()) when not scored or the size is off.
  bool set_ort_reconstruction(const float* values, std::size_t count);
  bool has_ort() const { return !ort_scores_.empty(); }
  // Shows the scores of `engine`; false when Ort is asked before it ran.
  bool use_engine(Engine engine);
  // The core's own scores, whichever engine is shown.
  const Scores& core_scores() const { return engine_ == Engine::Core ? scores_ : core_scores_; }

  // The latents of all beats in two dimensions (PCA), once scored.
  const LatentPca& pca() const { return pca_; }

  // index,line,score,flag[,label] per beat, as `ecglens score` writes it
  // (ecglens/eval/scores_csv.h).
  std::string scores_csv() const;
  // Everything the end-to-end tests check, as JSON.
  nlohmann::json state() const;

 private:
  void restart_scoring();
  void finish_scoring();
  void compute_curves();

  std::unique_ptr<Scorer> scorer_;
  std::string model_name_;
  std::vector<Preset> model_presets_;
  std::string default_preset_;
  std::unique_ptr<Dataset> data_;
  std::string data_name_;
  std::string resample_note_;
  bool synthetic_labels_ = false;  // labels are BeatType values (demo_synthetic*)

  Scores scores_;
  Labels labels_;
  std::vector<float> normalized_;
  std::vector<float> reconstruction_;
  std::vector<float> latent_;
  Engine engine_ = Engine::Core;
  Scores core_scores_;                       // kept while ORT's are shown
  Scores ort_scores_;
  std::vector<float> ort_reconstruction_;
  LatentPca pca_;
  std::size_t done_ = 0;
  bool elsewhere_ = false;
  std::vector<char> accepted_;  // per beat, while scoring elsewhere
  double elsewhere_since_ms_ = 0;
  bool unscorable_ = false;  // these beats cannot be scored by this model (error() says why)
  double scoring_ms_ = 0;
  double beats_per_second_ = 0;

  double threshold_ = 0;
  std::vector<Preset> presets_;
  std::vector<RocPoint> roc_;
  std::vector<PrPoint> pr_;
  double roc_auc_ = 0;
  double pr_auc_ = 0;
  std::string error_;
  long loads_ = 0;
};

}  // namespace ecglens::app
