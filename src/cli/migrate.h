// `drover migrate --from A --to B`: copies a store, record for record, to
// an empty one — a SQLite data dir to a PostgreSQL database or back (each
// side a data dir or a postgres:// URL). Every kind's records keep their
// numbers, public ids and documents; the keys keep their ids and secrets;
// the target takes on the source's installation key and numbering. The
// data dir's files (object bytes, pod logs) are not part of the store:
// the server goes on using the same --data-dir. Stop the server first.
#pragma once

#include <cstddef>
#include <string>

namespace drover::cli {

struct MigrateOptions {
  std::string from;
  std::string to;
  size_t batch = 5000;  // records per transaction
};

int Migrate(const MigrateOptions& options);

}  // namespace drover::cli
