// Access: what a route does, as the vendors' RAM tables class their
// actions. A read-only key may call only kRead routes (auth::Authorize).
#pragma once

namespace drover::auth {

enum class Access { kRead, kWrite };

}  // namespace drover::auth
