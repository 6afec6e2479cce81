#include "runner/resources.h"

#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/error.h"
#include "core/quantity.h"

namespace drover::runner {

Resources& Resources::operator+=(const Resources& o) {
  cpu_milli += o.cpu_milli;
  memory_bytes += o.memory_bytes;
  gpus += o.gpus;
  return *this;
}

Resources& Resources::operator-=(const Resources& o) {
  cpu_milli -= o.cpu_milli;
  memory_bytes -= o.memory_bytes;
  gpus -= o.gpus;
  return *this;
}

bool Resources::FitsIn(const Resources& limit) const {
  return cpu_milli <= limit.cpu_milli && memory_bytes <= limit.memory_bytes && gpus <= limit.gpus;
}

std::string Resources::ToString() const {
  std::ostringstream out;
  out << "cpu=" << static_cast<double>(cpu_milli) / 1000.0 << " memory="
      << (memory_bytes ? core::FormatMemory(memory_bytes >> 20 << 20) : "0")  // whole MiB
      << " gpu=" << gpus;
  return out.str();
}

Resources PodRequest(const core::RoleSpec& role) {
  Resources r;
  std::optional<int64_t> cpu = core::ParseCpuMilli(role.cpu);
  if (!cpu)
    core::ThrowInvalid("ResourceConfig.CPU", "Cannot read the CPU quantity \"" + role.cpu + "\".");
  std::optional<int64_t> memory = core::ParseMemoryBytes(role.memory);
  if (!memory) {
    core::ThrowInvalid("ResourceConfig.Memory",
                       "Cannot read the memory quantity \"" + role.memory + "\".");
  }
  std::optional<int64_t> gpu_milli = core::ParseCpuMilli(role.gpu);
  if (!gpu_milli || *gpu_milli % 1000 != 0) {
    core::ThrowInvalid("ResourceConfig.GPU",
                       "GPU must be a whole number, not \"" + role.gpu + "\".");
  }
  r.cpu_milli = *cpu;
  r.memory_bytes = *memory;
  r.gpus = *gpu_milli / 1000;
  return r;
}

Resources JobRequest(const core::TrainingJob& job) {
  Resources total;
  for (const core::RoleSpec& role : job.roles) {
    Resources pod = PodRequest(role);
    for (int64_t i = 0; i < role.pod_count; ++i) total += pod;
  }
  return total;
}

Resources DetectNodeCapacity() {
  Resources r;
  r.cpu_milli = std::max<long>(1, sysconf(_SC_NPROCESSORS_ONLN)) * 1000;
  r.memory_bytes = static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  return r;
}

boost::json::object ReadQuotaFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read the quota file " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  boost::json::value doc;
  try {
    doc = boost::json::parse(text.str());
  } catch (const std::exception& e) {
    throw std::runtime_error("the quota file " + file.string() + " is not JSON: " + e.what());
  }
  if (!doc.is_object()) throw std::runtime_error("the quota file must hold a JSON object");
  return std::move(doc.as_object());
}

Quotas LoadQuotas(const std::filesystem::path& file) {
  Quotas quotas;
  for (const auto& [id, limit] : ReadQuotaFile(file)) {
    if (!limit.is_object())
      throw std::runtime_error("quota " + std::string(id) + " must be an object");
    const boost::json::object& spec = limit.as_object();  // a lambda may not name a binding (clang)
    auto field = [&](const char* name) -> std::string {
      const boost::json::value* v = spec.if_contains(name);
      if (!v) return "";
      return v->is_string() ? std::string(v->get_string()) : boost::json::serialize(*v);
    };
    core::RoleSpec as_role;
    as_role.cpu = field("CPU");
    as_role.memory = field("Memory");
    as_role.gpu = field("GPU");
    try {
      quotas[std::string(id)] = PodRequest(as_role);
    } catch (const core::Error& e) {
      throw std::runtime_error("quota " + std::string(id) + ": " + e.what());
    }
  }
  return quotas;
}

}  // namespace drover::runner
