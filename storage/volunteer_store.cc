#include "storage/volunteer_store.h"

#include "absl/strings/str_cat.h"

namespace zhiyuan::storage {
namespace {

constexpr char kRegisteredVolunteer[] = "type.zhiyuan.dev/registered-volunteer";

}  // namespace

absl::Status AlreadyRegistered(const std::string& number) {
  absl::Status status = absl::AlreadyExistsError(
      absl::StrCat("this ID number is registered already, as volunteers/", number));
  status.SetPayload(kRegisteredVolunteer, absl::Cord(number));
  return status;
}

std::string RegisteredVolunteer(const absl::Status& status) {
  const absl::optional<absl::Cord> number = status.GetPayload(kRegisteredVolunteer);
  return number.has_value() ? std::string(*number) : "";
}

}  // namespace zhiyuan::storage
