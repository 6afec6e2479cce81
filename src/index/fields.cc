#include "index/fields.h"

#include "text/text.h"

namespace drover::index {

const std::string& ExactValue(const core::Job& job, ExactField field) {
  switch (field) {
    case ExactField::kTenant:
      return job.tenant_id;
    case ExactField::kWorkspace:
      return job.workspace_id;
    case ExactField::kUserId:
      return job.user_id;
    case ExactField::kBusinessUserId:
      return job.business_user_id;
    case ExactField::kCaller:
      return job.caller;
    case ExactField::kPipelineId:
      return job.pipeline_id;
    case ExactField::kTemplateId:
      return job.template_id;
    case ExactField::kPaymentType:
      return job.payment_type;
    case ExactField::kOversoldInfo:
      return job.oversold_info;
    case ExactField::kResourceId:
      return job.resource_id;
    case ExactField::kJobType:
      return job.job_type;
  }
  return job.tenant_id;
}

core::TimeMs TimeValue(const core::Job& job, TimeField field) {
  switch (field) {
    case TimeField::kCreated:
      return job.created;
    case TimeField::kSubmitted:
      return job.submitted;
    case TimeField::kRunning:
      return job.running;
    case TimeField::kFinished:
      return job.finished;
    case TimeField::kModified:
      return job.modified;
  }
  return 0;
}

std::string WordsSource(const core::Job& job, WordsField field) {
  switch (field) {
    case WordsField::kReason:
      return job.reason_code + " " + job.reason_message;
    case WordsField::kUserCommand:
      return job.user_command;
    case WordsField::kImage:
      return job.Images();
    case WordsField::kName:
      return job.display_name;
  }
  return {};
}

bool NameMatches(std::string_view folded_name, NameMatch mode, std::string_view query) {
  switch (mode) {
    case NameMatch::kWildcard:
      if (query.find_first_of("*?") == std::string::npos)
        return folded_name.find(query) != std::string::npos;
      return text::GlobMatch(folded_name, "*" + std::string(query) + "*");
    case NameMatch::kPrefix:
      return folded_name.starts_with(query);
    case NameMatch::kTerm:
      return folded_name == query;
  }
  return false;
}

}  // namespace drover::index
