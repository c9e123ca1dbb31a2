#include "storage/practice_unit_store.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zhiyuan::storage {
namespace {

absl::string_view KindName(PracticeUnitKind kind) {
  switch (kind) {
    case PracticeUnitKind::kCenter:
      return "a center";
    case PracticeUnitKind::kInstitute:
      return "an institute";
    case PracticeUnitKind::kStation:
      return "a station";
    case PracticeUnitKind::kPoint:
      return "a point";
    default:
      return "an invalid unit";
  }
}

}  // namespace

absl::Status CheckPlacement(PracticeUnitKind kind, const std::string& region_code,
                            const PracticeUnit* parent) {
  if (kind == PracticeUnitKind::kCenter) {
    if (parent != nullptr) return absl::FailedPreconditionError("a center has no parent");
    return absl::OkStatus();
  }
  if (parent == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(KindName(kind), " needs a parent unit"));
  }
  const PracticeUnitKind wanted = kind == PracticeUnitKind::kInstitute ? PracticeUnitKind::kCenter
                                  : kind == PracticeUnitKind::kStation
                                      ? PracticeUnitKind::kInstitute
                                      : parent->kind;
  if (parent->kind != wanted) {
    return absl::FailedPreconditionError(absl::StrCat("the parent of ", KindName(kind), " must be ",
                                                      KindName(wanted), ", not ",
                                                      KindName(parent->kind)));
  }
  if (!absl::StartsWith(region_code, parent->region_code)) {
    return absl::FailedPreconditionError(absl::StrCat("regions/", region_code,
                                                      " is not within the parent's region regions/",
                                                      parent->region_code));
  }
  return absl::OkStatus();
}

}  // namespace zhiyuan::storage
