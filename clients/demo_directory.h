// The demo directory `make run` serves, made through the API from a small description rather
// than a dump: 临县's 新时代文明实践 network as the seed article tells it (a center, an institute
// in each of its 23 townships, 229 stations spread evenly over its 504 villages).
#ifndef ZHIYUAN_CLIENTS_DEMO_DIRECTORY_H_
#define ZHIYUAN_CLIENTS_DEMO_DIRECTORY_H_

#include <memory>

#include <grpcpp/channel.h>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace zhiyuan::clients {

// Creates the demo practice units unless 临县 already has a center. Needs the regions loaded.
// Each call gets `timeout`. Errors: those of the calls, with the call named.
absl::Status LoadDemoDirectory(const std::shared_ptr<grpc::Channel>& channel,
                               absl::Duration timeout);

}  // namespace zhiyuan::clients

#endif  // ZHIYUAN_CLIENTS_DEMO_DIRECTORY_H_
