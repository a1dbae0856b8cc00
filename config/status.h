// Moved to base/status.h (issue #16). This forwarding header keeps branches written before the
// move compiling; include "base/status.h" in new code. Delete it once no file includes it.
#pragma once

#include "base/status.h"
