// The demo directory `make run` serves, made through the API from a small description rather
// than a dump: 临县's 新时代文明实践 network as the seed article tells it (a center, an institute
// in each of its 23 townships, 229 stations spread evenly over its 504 villages; 256 党史宣讲
// teams: a 总队 at the center, a 分队 at each institute, 232 小队 in villages), 阜康's 104 学雷锋
// posts (hotels, service windows, 天池, crossings), 临县's programs (新时代夜校, 红色故事会,
// 乡村大喇叭, 群众文艺小舞台), 石景山's 走近文明 program and team, 安岳's service window and
// scenic-spot posts, and volunteers
// registered in 武汉's districts. Demo volunteers have made-up names and ID numbers that are
// valid in form (GB 11643) but belong to nobody.
#ifndef ZHIYUAN_CLIENTS_DEMO_DIRECTORY_H_
#define ZHIYUAN_CLIENTS_DEMO_DIRECTORY_H_

#include <grpcpp/channel.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace zhiyuan::clients {

// Creates each part of the demo that is not complete: 临县's practice units, teams and programs,
// 阜康's posts, 武汉's volunteers, and the few items of 石景山 and 安岳. Each item has a request id
// derived from its name, so a load interrupted part way is finished by the next one without
// making anything twice. Needs the
// regions loaded.
// Each call gets `timeout`. Errors: those of the calls, with the call named.
absl::Status LoadDemoDirectory(const std::shared_ptr<grpc::Channel>& channel,
                               absl::Duration timeout);

}  // namespace zhiyuan::clients

#endif  // ZHIYUAN_CLIENTS_DEMO_DIRECTORY_H_
