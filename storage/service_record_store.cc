#include "storage/service_record_store.h"

#include "absl/strings/str_cat.h"

namespace zhiyuan::storage {

std::string ServiceRecord::name() const {
  return absl::StrCat("volunteers/", volunteer_number, "/serviceRecords/", id);
}

std::string Correction::name() const {
  return absl::StrCat("volunteers/", volunteer_number, "/serviceRecords/", record_id,
                      "/corrections/", id);
}

}  // namespace zhiyuan::storage
