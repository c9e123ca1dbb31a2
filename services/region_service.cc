#include "services/region_service.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/audit.h"
#include "services/grpc_status.h"
#include "services/handler.h"
#include "services/page_token.h"
#include "services/proto_time.h"
#include "services/resource_names.h"
#include "services/validation.h"
#include "storage/status_macros.h"

namespace zhiyuan::services {
namespace {

using storage::LevelOfRegionCode;
using storage::RegionLevel;

constexpr int kMaxNameChars = 64;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr int64_t kMaxPopulation = 2000000000;
constexpr int kFirstPopulationYear = 1949;
// An import's cap instead of kMaxCallDuration. Storage bounds each of its statements by it, and
// merging the national table is one statement of 20 s on a busy 2-core machine.
constexpr absl::Duration kMaxImportDuration = absl::Minutes(10);

zhiyuan::v1::Region ToProto(const storage::Region& region) {
  zhiyuan::v1::Region proto;
  proto.set_name(RegionName(region.code));
  proto.set_display_name(region.display_name);
  proto.set_level(static_cast<zhiyuan::v1::RegionLevel>(LevelOfRegionCode(region.code)));
  const std::string parent = storage::ParentRegionCode(region.code);
  if (!parent.empty()) proto.set_parent(RegionName(parent));
  proto.set_population(region.population);
  proto.set_population_year(region.population_year);
  *proto.mutable_create_time() = services::ToProto(region.create_time);
  *proto.mutable_update_time() = services::ToProto(region.update_time);
  proto.set_etag(absl::StrCat(region.revision));
  return proto;
}

absl::Status ValidateDisplayName(absl::string_view field, absl::string_view value) {
  return ValidateText(field, value, 1, kMaxNameChars);
}

absl::Status ValidatePopulation(const zhiyuan::v1::Region& region) {
  const int next_year = absl::ToCivilYear(absl::Now(), absl::UTCTimeZone()).year() + 1;
  if (region.population() < 0 || region.population() > kMaxPopulation) {
    return InvalidField("region.population", absl::StrCat("must be 0 to ", kMaxPopulation));
  }
  if (region.population_year() == 0) {
    if (region.population() != 0) {
      return InvalidField("region.population_year", "is required with a population");
    }
    return absl::OkStatus();
  }
  if (region.population_year() < kFirstPopulationYear || region.population_year() > next_year) {
    return InvalidField("region.population_year",
                        absl::StrCat("must be ", kFirstPopulationYear, " to ", next_year,
                                     ", or 0 with population 0 to clear it"));
  }
  return absl::OkStatus();
}

absl::Status Validate(const zhiyuan::v1::ListRegionsRequest& request) {
  if (!request.parent().empty()) {
    ZY_RETURN_IF_ERROR(ParseRegionName("parent", request.parent()).status());
  }
  if (!request.display_name_prefix().empty()) {
    ZY_RETURN_IF_ERROR(
        ValidateText("display_name_prefix", request.display_name_prefix(), 1, kMaxNameChars));
  }
  if (!zhiyuan::v1::RegionLevel_IsValid(request.level())) {
    return InvalidField("level", "is not a RegionLevel");
  }
  return absl::OkStatus();
}

absl::StatusOr<storage::RegionChange> ToChange(const zhiyuan::v1::UpdateRegionRequest& request) {
  const zhiyuan::v1::Region& region = request.region();
  if (request.update_mask().paths().empty()) {
    return InvalidField("update_mask", "is required: name the fields to set");
  }
  storage::RegionChange change;
  bool population = false;
  bool population_year = false;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "display_name") {
      ZY_RETURN_IF_ERROR(ValidateDisplayName("region.display_name", region.display_name()));
      change.display_name = region.display_name();
    } else if (path == "population") {
      population = true;
    } else if (path == "population_year") {
      population_year = true;
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("cannot set \"", path,
                                       "\": only display_name, population and population_year"));
    }
  }
  if (population != population_year) {
    return InvalidField("update_mask", "population and population_year are set together");
  }
  if (population) {
    ZY_RETURN_IF_ERROR(ValidatePopulation(region));
    change.population = std::make_pair(region.population(), region.population_year());
  }
  ZY_RETURN_IF_ERROR(ParseEtag("region.etag", region.etag(), &change.expected_revision));
  return change;
}

// Validates one import request and appends its regions to `regions`.
absl::Status AddImportRequest(const zhiyuan::v1::ImportRegionsRequest& request, int64_t index,
                              std::vector<storage::Region>& regions) {
  const std::string field = absl::StrCat("requests[", index, "].regions");
  if (request.regions().empty() || request.regions_size() > RegionServiceImpl::kMaxImportBatch) {
    return InvalidField(
        field, absl::StrCat("must hold 1 to ", RegionServiceImpl::kMaxImportBatch, " regions"));
  }
  for (int i = 0; i < request.regions_size(); ++i) {
    const zhiyuan::v1::Region& region = request.regions(i);
    const std::string item = absl::StrCat(field, "[", i, "]");
    ZY_ASSIGN_OR_RETURN(std::string code, ParseRegionName(item + ".name", region.name()));
    ZY_RETURN_IF_ERROR(ValidateDisplayName(item + ".display_name", region.display_name()));
    storage::Region stored;
    stored.code = std::move(code);
    stored.display_name = region.display_name();
    regions.push_back(std::move(stored));
  }
  return absl::OkStatus();
}

}  // namespace

// Regions are the national table of places, public reference data: every caller reads them.
grpc::Status RegionServiceImpl::GetRegion(grpc::ServerContext* context,
                                          const zhiyuan::v1::GetRegionRequest* request,
                                          zhiyuan::v1::Region* response) {
  return Serve(authorizer_, *context, [&](const Principal&) -> absl::Status {
    ZY_ASSIGN_OR_RETURN(const std::string code, ParseRegionName("name", request->name()));
    ZY_ASSIGN_OR_RETURN(const storage::Region region, store_.Get(code, Deadline(*context)));
    *response = ToProto(region);
    return absl::OkStatus();
  });
}

grpc::Status RegionServiceImpl::ListRegions(grpc::ServerContext* context,
                                            const zhiyuan::v1::ListRegionsRequest* request,
                                            zhiyuan::v1::ListRegionsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal&) -> absl::Status {
    ZY_RETURN_IF_ERROR(Validate(*request));
    int page_size;
    ZY_RETURN_IF_ERROR(ResolvePageSize("page_size", request->page_size(), kDefaultPageSize,
                                       kMaxPageSize, &page_size));
    storage::RegionQuery query;
    if (!request->parent().empty()) {
      ZY_ASSIGN_OR_RETURN(query.parent_code, ParseRegionName("parent", request->parent()));
    }
    query.name_prefix = request->display_name_prefix();
    query.level = static_cast<RegionLevel>(request->level());
    const std::string fingerprint =
        absl::StrCat("regions|", query.parent_code, "|", request->level(), "|", query.name_prefix);
    ZY_ASSIGN_OR_RETURN(query.after_code,
                        DecodePageToken("page_token", request->page_token(), fingerprint));
    query.limit = page_size + 1;  // One more tells whether there is a next page.
    ZY_ASSIGN_OR_RETURN(const std::vector<storage::Region> regions,
                        store_.List(query, Deadline(*context)));
    response->set_next_page_token(FillPage(
        regions, page_size, fingerprint,
        [&](const storage::Region& region) { *response->add_regions() = ToProto(region); },
        [](const storage::Region& region) { return region.code; }));
    return absl::OkStatus();
  });
}

grpc::Status RegionServiceImpl::UpdateRegion(grpc::ServerContext* context,
                                             const zhiyuan::v1::UpdateRegionRequest* request,
                                             zhiyuan::v1::Region* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    ZY_RETURN_IF_ERROR(
        Authorizer::RequireRole(caller, {zhiyuan::v1::ROLE_REGION_ADMIN}, "change regions"));
    ZY_ASSIGN_OR_RETURN(const std::string code,
                        ParseRegionName("region.name", request->region().name()));
    ZY_ASSIGN_OR_RETURN(const storage::RegionChange change, ToChange(*request));
    if (!Authorizer::ReachesRegion(caller, code)) {
      return Authorizer::Deny(caller, absl::StrCat("change ", RegionName(code)));
    }
    if (!caller.is_system_admin() && change.display_name.has_value()) {
      // Names belong to the national table, which only a system admin imports and corrects.
      return Authorizer::Deny(caller, "rename regions");
    }
    ZY_ASSIGN_OR_RETURN(
        const storage::Region region,
        store_.Update(code, change,
                      AuditOf(caller, *context, "zhiyuan.v1.RegionService.UpdateRegion", *request),
                      Deadline(*context)));
    *response = ToProto(region);
    return absl::OkStatus();
  });
}

grpc::Status RegionServiceImpl::ImportRegions(
    grpc::ServerContext* context, grpc::ServerReader<zhiyuan::v1::ImportRegionsRequest>* reader,
    zhiyuan::v1::ImportRegionsResponse* response) {
  return Serve(authorizer_, *context, [&](const Principal& caller) -> absl::Status {
    // The national table: a system admin's alone. Checked before a message is read.
    ZY_RETURN_IF_ERROR(Authorizer::RequireRole(caller, {}, "import regions"));
    ZY_ASSIGN_OR_RETURN(
        const std::unique_ptr<storage::RegionImport> import,
        store_.StartImport(AuditOf(caller, *context, "zhiyuan.v1.RegionService.ImportRegions",
                                   zhiyuan::v1::ImportRegionsRequest()),
                           Deadline(*context, kMaxImportDuration)));
    zhiyuan::v1::ImportRegionsRequest request;
    std::vector<storage::Region> regions;
    int64_t total = 0;
    for (int64_t index = 0; reader->Read(&request); ++index) {
      regions.clear();
      ZY_RETURN_IF_ERROR(AddImportRequest(request, index, regions));
      total += static_cast<int64_t>(regions.size());
      if (total > kMaxImportRegions) {
        return InvalidField(
            "requests", absl::StrCat("an import holds at most ", kMaxImportRegions, " regions"));
      }
      ZY_RETURN_IF_ERROR(import->Add(regions));
    }
    if (context->IsCancelled()) return absl::CancelledError("the client cancelled the import");
    if (total == 0) return InvalidField("requests", "the import sent no regions");
    ZY_ASSIGN_OR_RETURN(const storage::RegionImportCounts counts, import->Commit());
    response->set_created_count(counts.created);
    response->set_renamed_count(counts.renamed);
    response->set_unchanged_count(counts.unchanged);
    return absl::OkStatus();
  });
}

}  // namespace zhiyuan::services
