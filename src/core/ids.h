// Ids: public ids generated from internal job numbers, and request ids.
//
// A job's public id is "dlc" followed by 13 base-36 characters of a bijective
// scramble of its internal number and the installation's key, so ids are
// unique, look like PAI-DLC's (`dlc58huklrc6ptc2`), do not reveal how many
// jobs exist, and differ between installations (histories from two of them
// do not collide on import).
#pragma once

#include <string>

#include "core/dataset.h"
#include "core/training_job.h"

namespace drover::core {

// `installation_key`: the store's random key (store::Store::InstallationKey).
std::string JobPublicId(JobNumber number, uint64_t installation_key);

// A dataset's public id: "d-" and 18 base-36 characters, made the same way.
std::string DatasetPublicId(RecordNumber number, uint64_t installation_key);

// A dataset job's ("dsjob-…") and a dataset job config's ("dscfg-…"), made
// the same way with 18 characters.
std::string DatasetJobPublicId(RecordNumber number, uint64_t installation_key);
std::string DatasetJobConfigPublicId(RecordNumber number, uint64_t installation_key);

// A fresh random uppercase UUID, e.g. "473469C7-AA6F-4DC5-B3DB-A3DC0DE3C83E".
std::string NewRequestId();
// A fresh random lowercase UUID (pod uids).
std::string NewUuid();

}  // namespace drover::core
