#include "clients/demo_directory.h"

#include <sodium.h>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "zhiyuan/v1/post.grpc.pb.h"
#include "zhiyuan/v1/practice_unit.grpc.pb.h"
#include "zhiyuan/v1/program.grpc.pb.h"
#include "zhiyuan/v1/region.grpc.pb.h"
#include "zhiyuan/v1/team.grpc.pb.h"
#include "zhiyuan/v1/volunteer.grpc.pb.h"

namespace zhiyuan::clients {
namespace {

using zhiyuan::v1::PracticeUnit;
using zhiyuan::v1::Region;

// 临县 (吕梁市, 山西省) as the seed article counts it.
constexpr char kCounty[] = "regions/141124";
constexpr int kInstitutes = 23;  // One per township.
constexpr int kStations = 229;
// Its programs, as the article names them (LoadPrograms).
constexpr int kPrograms = 4;
// 临县's 256 党史宣讲 teams: the 总队, a 分队 per township, and the rest as village 小队.
constexpr int kTeams = 256;
// 阜康: 学雷锋 posts "at hotels and service windows, 100 and more" (the seed article): a
// service window in each township, a post at 天池, posts at ten main crossings, hotels for the
// rest.
constexpr char kFukang[] = "regions/652302";
constexpr int kPosts = 104;
constexpr int kCrossings = 10;
// 武汉: demo volunteers, spread over its districts.
constexpr char kCity[] = "regions/4201";
constexpr int kVolunteers = 300;
constexpr char kSurnames[] = "王李张刘陈杨黄赵吴周";
constexpr char kGivenNames[] = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平";

// The ID number of a made-up person: `region` (6 digits), a birth date, a 3-digit sequence and
// the GB 11643 check character.
std::string MadeUpIdNumber(absl::string_view region, absl::CivilDay born, int sequence) {
  const std::string body = absl::StrFormat("%s%04d%02d%02d%03d", region, born.year(), born.month(),
                                           born.day(), sequence % 1000);
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return body + "10X98765432"[sum % 11];
}

// The i-th character of a UTF-8 string of 3-byte (CJK) characters.
std::string Han(absl::string_view text, size_t i) {
  return std::string(text.substr(3 * (i % (text.size() / 3)), 3));
}

absl::Status Failed(absl::string_view call, const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(call, ": ", status.error_message()));
}

// The request id of the demo item named `key`: the same on every run, so that a load interrupted
// part way is completed by the next one without making anything twice. A UUID (version 8) from
// BLAKE2b of the key.
std::string DemoRequestId(absl::string_view key) {
  unsigned char hash[16];
  crypto_generichash(hash, sizeof(hash), reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), nullptr, 0);
  hash[6] = (hash[6] & 0x0F) | 0x80;  // Version 8: custom.
  hash[8] = (hash[8] & 0x3F) | 0x80;  // RFC 4122 variant.
  const std::string hex =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(hash), sizeof(hash)));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

class Loader {
 public:
  Loader(const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout)
      : regions_(zhiyuan::v1::RegionService::NewStub(channel)),
        units_(zhiyuan::v1::PracticeUnitService::NewStub(channel)),
        volunteers_(zhiyuan::v1::VolunteerService::NewStub(channel)),
        teams_(zhiyuan::v1::TeamService::NewStub(channel)),
        posts_(zhiyuan::v1::PostService::NewStub(channel)),
        programs_(zhiyuan::v1::ProgramService::NewStub(channel)),
        timeout_(timeout) {}

  absl::StatusOr<int64_t> CountUnits() {
    zhiyuan::v1::ListPracticeUnitsRequest request;
    request.set_region(kCounty);
    request.set_page_size(1);
    zhiyuan::v1::ListPracticeUnitsResponse response;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = units_->ListPracticeUnits(&context, request, &response);
    if (!status.ok()) return Failed("ListPracticeUnits", status);
    return response.total_size();
  }

  absl::StatusOr<std::vector<Region>> Children(const std::string& parent) {
    zhiyuan::v1::ListRegionsRequest request;
    request.set_parent(parent);
    request.set_page_size(1000);
    std::vector<Region> children;
    do {
      zhiyuan::v1::ListRegionsResponse response;
      grpc::ClientContext context;
      Prepare(context);
      const grpc::Status status = regions_->ListRegions(&context, request, &response);
      if (!status.ok()) return Failed("ListRegions", status);
      children.insert(children.end(), response.regions().begin(), response.regions().end());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return children;
  }

  absl::StatusOr<int64_t> CountTeams() {
    zhiyuan::v1::ListTeamsRequest request;
    request.set_home_region(kCounty);
    request.set_page_size(1);
    zhiyuan::v1::ListTeamsResponse response;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = teams_->ListTeams(&context, request, &response);
    if (!status.ok()) return Failed("ListTeams", status);
    return response.total_size();
  }

  // The units of `kind` in the county, by the name of their region.
  absl::StatusOr<std::map<std::string, std::string>> UnitsByRegion(
      zhiyuan::v1::PracticeUnitKind kind) {
    zhiyuan::v1::ListPracticeUnitsRequest request;
    request.set_region(kCounty);
    request.set_kind(kind);
    request.set_page_size(1000);
    std::map<std::string, std::string> units;
    do {
      zhiyuan::v1::ListPracticeUnitsResponse response;
      grpc::ClientContext context;
      Prepare(context);
      const grpc::Status status = units_->ListPracticeUnits(&context, request, &response);
      if (!status.ok()) return Failed("ListPracticeUnits", status);
      for (const PracticeUnit& unit : response.practice_units()) units[unit.region()] = unit.name();
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty());
    return units;
  }

  absl::StatusOr<std::string> CreateTeam(const Region& region, const std::string& parent,
                                         const std::string& practice_unit, absl::string_view suffix,
                                         zhiyuan::v1::ServiceCategory category) {
    zhiyuan::v1::CreateTeamRequest request;
    request.set_request_id(DemoRequestId(absl::StrCat("team/", region.name())));
    zhiyuan::v1::Team& team = *request.mutable_team();
    team.set_display_name(absl::StrCat(region.display_name(), suffix));
    team.set_home_region(region.name());
    team.set_parent(parent);
    team.set_practice_unit(practice_unit);
    team.add_categories(category);
    zhiyuan::v1::Team created;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = teams_->CreateTeam(&context, request, &created);
    if (!status.ok()) return Failed(absl::StrCat("CreateTeam ", team.display_name()), status);
    return created.name();
  }

  absl::StatusOr<int64_t> CountPosts(const std::string& region) {
    zhiyuan::v1::ListPostsRequest request;
    request.set_region(region);
    request.set_page_size(1);
    zhiyuan::v1::ListPostsResponse response;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = posts_->ListPosts(&context, request, &response);
    if (!status.ok()) return Failed("ListPosts", status);
    return response.total_size();
  }

  absl::Status CreatePost(const Region& region, zhiyuan::v1::PostHostKind kind,
                          const std::string& host, const std::string& opening_hours) {
    zhiyuan::v1::CreatePostRequest request;
    request.set_request_id(DemoRequestId(absl::StrCat("post/", host)));
    zhiyuan::v1::Post& post = *request.mutable_post();
    post.set_display_name(absl::StrCat(host, "学雷锋志愿服务岗"));
    post.set_host_organization(host);
    post.set_host_kind(kind);
    post.set_region(region.name());
    post.set_opening_hours(opening_hours);
    zhiyuan::v1::Post created;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = posts_->CreatePost(&context, request, &created);
    return status.ok() ? absl::OkStatus() : Failed(absl::StrCat("CreatePost ", host), status);
  }

  absl::StatusOr<int64_t> CountPrograms(const std::string& region) {
    zhiyuan::v1::ListProgramsRequest request;
    request.set_region(region);
    request.set_page_size(1);
    zhiyuan::v1::ListProgramsResponse response;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = programs_->ListPrograms(&context, request, &response);
    if (!status.ok()) return Failed("ListPrograms", status);
    return response.total_size();
  }

  absl::Status CreateProgram(zhiyuan::v1::Program program) {
    zhiyuan::v1::CreateProgramRequest request;
    request.set_request_id(
        DemoRequestId(absl::StrCat("program/", program.owner(), "/", program.display_name())));
    *request.mutable_program() = std::move(program);
    zhiyuan::v1::Program created;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = programs_->CreateProgram(&context, request, &created);
    return status.ok()
               ? absl::OkStatus()
               : Failed(absl::StrCat("CreateProgram ", request.program().display_name()), status);
  }

  absl::StatusOr<int64_t> CountVolunteers() {
    zhiyuan::v1::ListVolunteersRequest request;
    request.set_residence_region(kCity);
    request.set_page_size(1);
    zhiyuan::v1::ListVolunteersResponse response;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = volunteers_->ListVolunteers(&context, request, &response);
    if (!status.ok()) return Failed("ListVolunteers", status);
    return response.total_size();
  }

  absl::Status Register(zhiyuan::v1::Volunteer volunteer) {
    zhiyuan::v1::CreateVolunteerRequest request;
    request.set_request_id(DemoRequestId(absl::StrCat("volunteer/", volunteer.id_number())));
    *request.mutable_volunteer() = std::move(volunteer);
    zhiyuan::v1::Volunteer created;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = volunteers_->CreateVolunteer(&context, request, &created);
    return status.ok() ? absl::OkStatus() : Failed("CreateVolunteer", status);
  }

  absl::StatusOr<std::string> Create(zhiyuan::v1::PracticeUnitKind kind, const Region& region,
                                     const std::string& parent, absl::string_view suffix) {
    zhiyuan::v1::CreatePracticeUnitRequest request;
    request.set_request_id(DemoRequestId(absl::StrCat("unit/", region.name())));
    PracticeUnit& unit = *request.mutable_practice_unit();
    unit.set_kind(kind);
    unit.set_region(region.name());
    unit.set_parent(parent);
    unit.set_display_name(absl::StrCat(region.display_name(), suffix));
    PracticeUnit created;
    grpc::ClientContext context;
    Prepare(context);
    const grpc::Status status = units_->CreatePracticeUnit(&context, request, &created);
    if (!status.ok())
      return Failed(absl::StrCat("CreatePracticeUnit ", unit.display_name()), status);
    return created.name();
  }

 private:
  void Prepare(grpc::ClientContext& context) const {
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  }

  std::unique_ptr<zhiyuan::v1::RegionService::Stub> regions_;
  std::unique_ptr<zhiyuan::v1::PracticeUnitService::Stub> units_;
  std::unique_ptr<zhiyuan::v1::VolunteerService::Stub> volunteers_;
  std::unique_ptr<zhiyuan::v1::TeamService::Stub> teams_;
  std::unique_ptr<zhiyuan::v1::PostService::Stub> posts_;
  std::unique_ptr<zhiyuan::v1::ProgramService::Stub> programs_;
  const absl::Duration timeout_;
};

}  // namespace

namespace {

// The county's townships, and its villages with the index of their township.
struct CountyTree {
  std::vector<Region> townships;
  std::vector<std::pair<Region, size_t>> villages;
};

absl::StatusOr<CountyTree> ReadCounty(Loader& loader) {
  CountyTree tree;
  absl::StatusOr<std::vector<Region>> townships = loader.Children(kCounty);
  if (!townships.ok()) return townships.status();
  tree.townships = *std::move(townships);
  for (size_t t = 0; t < tree.townships.size(); ++t) {
    const absl::StatusOr<std::vector<Region>> children = loader.Children(tree.townships[t].name());
    if (!children.ok()) return children.status();
    for (const Region& village : *children) tree.villages.emplace_back(village, t);
  }
  if (tree.villages.size() < static_cast<size_t>(kTeams)) {
    return absl::FailedPreconditionError(
        absl::StrCat(kCounty, " has ", tree.villages.size(), " villages; load the regions first"));
  }
  return tree;
}

// Whether village i of `count` is among `chosen` of them: it is when floor((i + 1) * chosen /
// count) passes an integer, which spreads the chosen ones evenly, the same ones every time.
bool Chosen(size_t i, size_t chosen, size_t count) {
  return (i + 1) * chosen / count != i * chosen / count;
}

absl::Status LoadPracticeUnits(Loader& loader) {
  const absl::StatusOr<int64_t> units = loader.CountUnits();
  if (!units.ok()) return units.status();
  if (*units >= 1 + kInstitutes + kStations) return absl::OkStatus();
  absl::StatusOr<CountyTree> county_tree = ReadCounty(loader);
  if (!county_tree.ok()) return county_tree.status();
  const std::vector<Region>& townships = county_tree->townships;
  const std::vector<std::pair<Region, size_t>>& villages = county_tree->villages;

  Region county;
  county.set_name(kCounty);
  county.set_display_name("临县");
  const absl::StatusOr<std::string> center =
      loader.Create(zhiyuan::v1::PRACTICE_UNIT_KIND_CENTER, county, "", "新时代文明实践中心");
  if (!center.ok()) return center.status();
  std::vector<std::string> institutes;
  for (const Region& township : townships) {
    const absl::StatusOr<std::string> institute = loader.Create(
        zhiyuan::v1::PRACTICE_UNIT_KIND_INSTITUTE, township, *center, "新时代文明实践所");
    if (!institute.ok()) return institute.status();
    institutes.push_back(*institute);
  }
  for (size_t i = 0; i < villages.size(); ++i) {
    if (!Chosen(i, kStations, villages.size())) continue;
    const auto& [village, township] = villages[i];
    const absl::StatusOr<std::string> station = loader.Create(
        zhiyuan::v1::PRACTICE_UNIT_KIND_STATION, village, institutes[township], "新时代文明实践站");
    if (!station.ok()) return station.status();
  }
  return absl::OkStatus();
}

absl::Status LoadTeams(Loader& loader) {
  const absl::StatusOr<int64_t> teams = loader.CountTeams();
  if (!teams.ok()) return teams.status();
  if (*teams >= kTeams) return absl::OkStatus();
  absl::StatusOr<CountyTree> county_tree = ReadCounty(loader);
  if (!county_tree.ok()) return county_tree.status();
  absl::StatusOr<std::map<std::string, std::string>> centers =
      loader.UnitsByRegion(zhiyuan::v1::PRACTICE_UNIT_KIND_CENTER);
  if (!centers.ok()) return centers.status();
  absl::StatusOr<std::map<std::string, std::string>> institutes =
      loader.UnitsByRegion(zhiyuan::v1::PRACTICE_UNIT_KIND_INSTITUTE);
  if (!institutes.ok()) return institutes.status();

  Region county;
  county.set_name(kCounty);
  county.set_display_name("临县");
  const absl::StatusOr<std::string> corps =
      loader.CreateTeam(county, "", (*centers)[kCounty], "党史宣讲志愿服务总队",
                        zhiyuan::v1::SERVICE_CATEGORY_THEORY_OUTREACH);
  if (!corps.ok()) return corps.status();
  std::vector<std::string> squads;
  for (const Region& township : county_tree->townships) {
    const absl::StatusOr<std::string> squad =
        loader.CreateTeam(township, *corps, (*institutes)[township.name()], "党史宣讲志愿服务分队",
                          zhiyuan::v1::SERVICE_CATEGORY_THEORY_OUTREACH);
    if (!squad.ok()) return squad.status();
    squads.push_back(*squad);
  }
  const size_t village_teams = kTeams - 1 - squads.size();
  const auto& villages = county_tree->villages;
  for (size_t i = 0; i < villages.size(); ++i) {
    if (!Chosen(i, village_teams, villages.size())) continue;
    const auto& [village, township] = villages[i];
    const absl::StatusOr<std::string> team =
        loader.CreateTeam(village, squads[township], "", "党史宣讲志愿服务小队",
                          zhiyuan::v1::SERVICE_CATEGORY_THEORY_OUTREACH);
    if (!team.ok()) return team.status();
  }
  return absl::OkStatus();
}

absl::Status LoadPosts(Loader& loader) {
  const absl::StatusOr<int64_t> posts = loader.CountPosts(kFukang);
  if (!posts.ok()) return posts.status();
  if (*posts >= kPosts) return absl::OkStatus();
  const absl::StatusOr<std::vector<Region>> townships = loader.Children(kFukang);
  if (!townships.ok()) return townships.status();
  if (townships->empty()) return absl::FailedPreconditionError("阜康 has no townships loaded");
  Region city;
  city.set_name(kFukang);
  city.set_display_name("阜康市");
  int made = 0;
  const auto make = [&](const Region& region, zhiyuan::v1::PostHostKind kind,
                        const std::string& host, const char* hours) -> absl::Status {
    ++made;
    return loader.CreatePost(region, kind, host, hours);
  };
  if (absl::Status done = make(city, zhiyuan::v1::POST_HOST_KIND_SCENIC_SPOT,
                               "天山天池景区游客服务中心", "每日 9:00-18:00");
      !done.ok()) {
    return done;
  }
  for (const Region& township : *townships) {
    if (absl::Status done =
            make(township, zhiyuan::v1::POST_HOST_KIND_SERVICE_WINDOW,
                 absl::StrCat(township.display_name(), "便民服务中心"), "工作日 9:00-17:00");
        !done.ok()) {
      return done;
    }
  }
  for (int i = 1; i <= kCrossings; ++i) {
    if (absl::Status done = make(city, zhiyuan::v1::POST_HOST_KIND_CROSSING,
                                 absl::StrCat("阜康市第", i, "号交通路口"), "早晚高峰");
        !done.ok()) {
      return done;
    }
  }
  for (int i = 0; made < kPosts; ++i) {
    const Region& township = (*townships)[i % townships->size()];
    if (absl::Status done =
            make(township, zhiyuan::v1::POST_HOST_KIND_HOTEL,
                 absl::StrCat(township.display_name(), "酒店", i + 1, "号"), "每日 8:00-20:00");
        !done.ok()) {
      return done;
    }
  }
  return absl::OkStatus();
}

// The programs the seed article names for 临县, run by its center.
absl::Status LoadPrograms(Loader& loader) {
  const absl::StatusOr<int64_t> programs = loader.CountPrograms(kCounty);
  if (!programs.ok()) return programs.status();
  if (*programs >= kPrograms) return absl::OkStatus();
  absl::StatusOr<std::map<std::string, std::string>> centers =
      loader.UnitsByRegion(zhiyuan::v1::PRACTICE_UNIT_KIND_CENTER);
  if (!centers.ok()) return centers.status();
  const std::string owner = (*centers)[kCounty];
  if (owner.empty()) return absl::FailedPreconditionError("临县 has no center");
  struct Line {
    const char* name;
    zhiyuan::v1::ServiceCategory category;
    const char* description;
  };
  static constexpr Line kLines[] = {
      {"新时代夜校", zhiyuan::v1::SERVICE_CATEGORY_THEORY_OUTREACH,
       "夜间开课，宣讲政策理论、传授实用技术"},
      {"红色故事会", zhiyuan::v1::SERVICE_CATEGORY_THEORY_OUTREACH, "讲述党史和革命故事"},
      {"乡村大喇叭", zhiyuan::v1::SERVICE_CATEGORY_THEORY_OUTREACH, "用村村响广播宣讲政策"},
      {"群众文艺小舞台", zhiyuan::v1::SERVICE_CATEGORY_CULTURE_AND_ARTS, "群众自编自演文艺节目"},
  };
  static_assert(sizeof(kLines) / sizeof(kLines[0]) == kPrograms);
  for (const Line& line : kLines) {
    zhiyuan::v1::Program program;
    program.set_display_name(line.name);
    program.set_category(line.category);
    program.set_owner(owner);
    program.set_description(line.description);
    program.set_start_date("2021-01-01");
    if (absl::Status created = loader.CreateProgram(std::move(program)); !created.ok()) {
      return created;
    }
  }
  return absl::OkStatus();
}

// The seed article's other places: 石景山's "走近文明" column as a program of the district office
// with a civility team; 安岳's service window (一窗通办) and its AAA scenic spots 千佛寨 and 卧佛院
// as posts. Few enough to send every time: the request ids make repeats return the first.
absl::Status LoadOtherPlaces(Loader& loader) {
  constexpr char kShijingshan[] = "regions/110107";
  constexpr char kAnyue[] = "regions/512021";
  {
    zhiyuan::v1::Program program;
    program.set_display_name("走近文明");
    program.set_category(zhiyuan::v1::SERVICE_CATEGORY_CIVILITY_PERSUASION);
    program.set_owner(kShijingshan);
    program.set_description("融媒体曝光专栏：走近文明、诚信红黑榜、不文明现象和行为曝光台");
    program.set_start_date("2022-01-01");
    if (absl::Status created = loader.CreateProgram(std::move(program)); !created.ok()) {
      return created;
    }
    Region district;
    district.set_name(kShijingshan);
    district.set_display_name("石景山区");
    const absl::StatusOr<std::string> team = loader.CreateTeam(
        district, "", "", "文明引导志愿服务队", zhiyuan::v1::SERVICE_CATEGORY_CIVILITY_PERSUASION);
    if (!team.ok()) return team.status();
  }
  {
    Region county;
    county.set_name(kAnyue);
    county.set_display_name("安岳县");
    const std::pair<zhiyuan::v1::PostHostKind, const char*> kPlaces[] = {
        {zhiyuan::v1::POST_HOST_KIND_SERVICE_WINDOW, "安岳县政务服务中心"},
        {zhiyuan::v1::POST_HOST_KIND_SCENIC_SPOT, "千佛寨景区"},
        {zhiyuan::v1::POST_HOST_KIND_SCENIC_SPOT, "卧佛院景区"},
    };
    for (const auto& [kind, host] : kPlaces) {
      if (absl::Status created = loader.CreatePost(county, kind, host, "每日 9:00-17:00");
          !created.ok()) {
        return created;
      }
    }
  }
  return absl::OkStatus();
}

// Volunteer i lives in district i mod D, was born on a day spread over 1950–2007, and has a
// name made from the common surnames and given names above.
absl::Status LoadVolunteers(Loader& loader) {
  const absl::StatusOr<int64_t> volunteers = loader.CountVolunteers();
  if (!volunteers.ok()) return volunteers.status();
  if (*volunteers >= kVolunteers) return absl::OkStatus();
  const absl::StatusOr<std::vector<Region>> districts = loader.Children(kCity);
  if (!districts.ok()) return districts.status();
  if (districts->empty()) return absl::FailedPreconditionError("武汉 has no districts loaded");
  for (int i = 0; i < kVolunteers; ++i) {
    const Region& district = (*districts)[i % districts->size()];
    const absl::CivilDay born = absl::CivilDay(1950, 1, 1) + (i * 7919) % (57 * 365);
    zhiyuan::v1::Volunteer volunteer;
    volunteer.set_display_name(
        absl::StrCat(Han(kSurnames, i), Han(kGivenNames, i * 7), Han(kGivenNames, i * 13 + 5)));
    volunteer.set_gender(i % 2 == 0 ? zhiyuan::v1::GENDER_MALE : zhiyuan::v1::GENDER_FEMALE);
    volunteer.set_birth_date(absl::FormatCivilTime(born));
    volunteer.set_residence_region(district.name());
    volunteer.set_id_number(
        MadeUpIdNumber(district.name().substr(std::string("regions/").size()), born, i));
    if (i % 3 == 0) volunteer.add_skills("急救");
    if (i % 5 == 0) volunteer.add_skills("文明劝导");
    if (absl::Status registered = loader.Register(std::move(volunteer)); !registered.ok()) {
      return registered;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadDemoDirectory(const std::shared_ptr<grpc::Channel>& channel,
                               absl::Duration timeout) {
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot initialise");
  Loader loader(channel, timeout);
  if (absl::Status loaded = LoadPracticeUnits(loader); !loaded.ok()) return loaded;
  if (absl::Status loaded = LoadTeams(loader); !loaded.ok()) return loaded;
  if (absl::Status loaded = LoadPosts(loader); !loaded.ok()) return loaded;
  if (absl::Status loaded = LoadPrograms(loader); !loaded.ok()) return loaded;
  if (absl::Status loaded = LoadOtherPlaces(loader); !loaded.ok()) return loaded;
  return LoadVolunteers(loader);
}

}  // namespace zhiyuan::clients
