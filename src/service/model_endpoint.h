// ModelEndpoint: a model a dataset job calls, over the OpenAI wire format
// that local model servers (vLLM, Ollama, LMDeploy, llama.cpp) speak:
//
//   POST {base}/chat/completions  — IntelligentTag: an image and a prompt in,
//                                   the image's tags out (comma-separated)
//   POST {base}/embeddings        — SemanticIndex: text (or an image, in
//                                   the chat form) in, a vector out
//
// `base` is the endpoint's URL up to /v1 ("http://127.0.0.1:8000/v1"); the
// key, when set, goes as `Authorization: Bearer`. Plain HTTP only: a model
// server on the same machine or network. Blocking calls, one at a time,
// each bounded by `timeout_ms`; a failure throws std::runtime_error naming
// the endpoint and what it said.
#pragma once

#include <string>
#include <vector>

namespace drover::service {

struct ModelEndpointConfig {
  std::string base_url;  // http://host:port/v1
  std::string api_key;
  std::string model;
  int timeout_ms = 120'000;
};

class ModelEndpoint {
 public:
  // Throws std::runtime_error for a URL it cannot call (not http://…).
  explicit ModelEndpoint(ModelEndpointConfig config);

  // The tags the model gives an image (`bytes`, of `content_type`):
  // its answer split at commas and new lines, trimmed, without repeats,
  // each at most kMaxTagBytes, at most kMaxTags of them.
  std::vector<std::string> TagImage(const std::string& bytes, const std::string& content_type);

  // The embedding of each text, in order.
  std::vector<std::vector<float>> Embed(const std::vector<std::string>& texts);
  // The embedding of an image, in the chat form multimodal embedding
  // servers take on /embeddings (vLLM's `messages`, the image as a data:
  // URL).
  std::vector<float> EmbedImage(const std::string& bytes, const std::string& content_type);

  static constexpr size_t kMaxTags = 32;
  static constexpr size_t kMaxTagBytes = 64;
  static constexpr size_t kMaxDimensions = 8192;  // an embedding's size

  // What an answer's text gives as tags (the rules above); public for tests.
  static std::vector<std::string> TagsOf(const std::string& answer);

 private:
  // An /embeddings answer's `count` vectors, by their index.
  std::vector<std::vector<float>> Vectors(const std::string& answer, size_t count);
  // POSTs `body` (JSON) to base + `path`; the answer's body, when 200.
  std::string Post(const std::string& path, const std::string& body);

  ModelEndpointConfig config_;
  std::string host_;
  std::string port_;
  std::string prefix_;  // the URL's path, "/v1"
};

}  // namespace drover::service
