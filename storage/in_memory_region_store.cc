#include "storage/in_memory_region_store.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/revision.h"
#include "storage/status_macros.h"

namespace zhiyuan::storage {
namespace {

absl::Status NotFound(const std::string& code) {
  return absl::NotFoundError(absl::StrCat("regions/", code, " does not exist"));
}

bool Matches(const RegionQuery& query, const Region& region) {
  if (query.level != RegionLevel::kInvalid && LevelOfRegionCode(region.code) != query.level) {
    return false;
  }
  if (query.name_prefix.empty()) return ParentRegionCode(region.code) == query.parent_code;
  return absl::StartsWith(region.display_name, query.name_prefix) &&
         absl::StartsWith(region.code, query.parent_code) && region.code != query.parent_code;
}

}  // namespace

class InMemoryRegionStore::Import final : public RegionImport {
 public:
  Import(InMemoryRegionStore& store, AuditEntry audit) : store_(store), audit_(std::move(audit)) {}

  absl::Status Add(absl::Span<const Region> regions) override {
    added_.insert(added_.end(), regions.begin(), regions.end());
    return absl::OkStatus();
  }

  absl::StatusOr<RegionImportCounts> Commit() override {
    std::map<std::string, std::string> names;  // Ordered like the Postgres store's checks.
    std::string duplicate;
    for (const Region& region : added_) {
      if (!names.emplace(region.code, region.display_name).second &&
          (duplicate.empty() || region.code < duplicate)) {
        duplicate = region.code;
      }
    }
    if (!duplicate.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("regions/", duplicate, " is imported more than once"));
    }
    absl::MutexLock lock(&store_.mu_);
    for (const auto& [code, name] : names) {
      const std::string parent = ParentRegionCode(code);
      if (!parent.empty() && !names.count(parent) && !store_.regions_.count(parent)) {
        return absl::InvalidArgumentError(absl::StrCat("regions/", code, ": its parent regions/",
                                                       parent, " is neither stored nor imported"));
      }
    }
    RegionImportCounts counts;
    const absl::Time now = absl::Now();
    for (const auto& [code, name] : names) {
      auto [it, created] = store_.regions_.try_emplace(code);
      Region& region = it->second;
      if (created) {
        region = Region{code, name, 0, 0, 1, now, now};
        ++counts.created;
      } else if (region.display_name != name) {
        region.display_name = name;
        ++region.revision;
        region.update_time = now;
        ++counts.renamed;
      } else {
        ++counts.unchanged;
      }
    }
    if (counts.created + counts.renamed > 0) RecordChange(store_.audit_log_, audit_, "regions", "");
    return counts;
  }

 private:
  InMemoryRegionStore& store_;
  const AuditEntry audit_;
  std::vector<Region> added_;
};

absl::StatusOr<Region> InMemoryRegionStore::Get(const std::string& code, absl::Time) {
  absl::MutexLock lock(&mu_);
  const auto it = regions_.find(code);
  if (it == regions_.end()) return NotFound(code);
  return it->second;
}

absl::StatusOr<std::vector<Region>> InMemoryRegionStore::List(const RegionQuery& query,
                                                              absl::Time) {
  absl::MutexLock lock(&mu_);
  std::vector<Region> regions;
  for (auto it = regions_.upper_bound(query.after_code);
       it != regions_.end() && static_cast<int>(regions.size()) < query.limit; ++it) {
    if (Matches(query, it->second)) regions.push_back(it->second);
  }
  return regions;
}

absl::StatusOr<Region> InMemoryRegionStore::Update(const std::string& code,
                                                   const RegionChange& change,
                                                   const AuditEntry& audit, absl::Time) {
  absl::MutexLock lock(&mu_);
  const auto it = regions_.find(code);
  if (it == regions_.end()) return NotFound(code);
  Region& region = it->second;
  ZY_RETURN_IF_ERROR(
      CheckRevision(absl::StrCat("regions/", code), region.revision, change.expected_revision));
  const std::string display_name = change.display_name.value_or(region.display_name);
  const auto [population, year] =
      change.population.value_or(std::make_pair(region.population, region.population_year));
  if (display_name != region.display_name || population != region.population ||
      year != region.population_year) {
    region.display_name = display_name;
    region.population = year == 0 ? 0 : population;
    region.population_year = year;
    ++region.revision;
    RecordChange(audit_log_, audit, absl::StrCat("regions/", code), code);
    region.update_time = absl::Now();
  }
  return region;
}

absl::StatusOr<std::unique_ptr<RegionImport>> InMemoryRegionStore::StartImport(
    const AuditEntry& audit, absl::Time) {
  return std::make_unique<Import>(*this, audit);
}

}  // namespace zhiyuan::storage
