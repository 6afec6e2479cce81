// GetOverview, Drover's own call beside PAI-DLC's (the console's overview
// plots it): GET /api/v1/drover/overview?Since=ISO-8601 answers the
// samples the server kept since then (default: the last hour), signed and
// answered like any DLC call. Each sample holds the caller's tenant's jobs
// and the node's resources; no other tenant's numbers.
//
//   {"Interval": 60, "Samples": [{"Time": "2026-11-27T10:00:00Z",
//     "Jobs": {"Running": 3, …}, "Submitted": 2, "Finished": 1, "Queued": 0,
//     "LongestWaitSeconds": 0, "CPU": {"Capacity": 8, "Allocated": 2},
//     "Memory": {…bytes}, "GPU": {…}}, …], "RequestId": "…"}
#pragma once

#include "api/http/dialect.h"
#include "service/overview_service.h"

namespace drover::api::dlc {

// `overview` must outlive the dialect.
void AddOverviewRoute(Dialect& dlc, const service::OverviewService& overview);

}  // namespace drover::api::dlc
