// Placeholder: the snapshot loader is being written (see io/snapshot.hpp).
#include "accessgraph/io/snapshot.hpp"
