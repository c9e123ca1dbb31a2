// Times as the stores pass them to PostgreSQL: microseconds since the epoch, clamped to the
// years PostgreSQL can hold (an open end of a window, InfinitePast or InfiniteFuture, becomes
// the year 1 or 10000).
#ifndef ZHIYUAN_STORAGE_PG_TIME_H_
#define ZHIYUAN_STORAGE_PG_TIME_H_

#include <algorithm>
#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace zhiyuan::storage {

inline int64_t ClampedMicros(absl::Time time) {
  static const absl::Time first = absl::FromCivil(absl::CivilSecond(1, 1, 1), absl::UTCTimeZone());
  static const absl::Time last =
      absl::FromCivil(absl::CivilSecond(10000, 1, 1), absl::UTCTimeZone());
  return absl::ToUnixMicros(std::clamp(time, first, last));
}

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_STORAGE_PG_TIME_H_
