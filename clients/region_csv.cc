#include "clients/region_csv.h"

#include <filesystem>

// fast-cpp-csv-parser (Debian libfccp-dev); without its reader thread.
#define CSV_IO_NO_THREAD
#include <libfccp/csv.h>

#include "absl/strings/str_cat.h"

namespace zhiyuan::clients {

std::vector<std::string> ChinaDivisionFiles(const std::string& dist_dir) {
  std::vector<std::string> files;
  for (const char* name : {"provinces", "cities", "areas", "streets", "villages"}) {
    files.push_back(absl::StrCat(dist_dir, "/", name, ".csv"));
  }
  return files;
}

absl::Status ReadRegionCsv(const std::string& path, int batch_size,
                           const std::function<bool(std::vector<zhiyuan::v1::Region>&)>& batch) {
  if (!std::filesystem::exists(path)) {
    return absl::NotFoundError(absl::StrCat(path, " does not exist"));
  }
  std::vector<zhiyuan::v1::Region> regions;
  try {
    io::CSVReader<2, io::trim_chars<' '>, io::double_quote_escape<',', '"'>> reader(path);
    reader.read_header(io::ignore_extra_column, "code", "name");
    std::string code;
    std::string name;
    while (reader.read_row(code, name)) {
      zhiyuan::v1::Region& region = regions.emplace_back();
      region.set_name(absl::StrCat("regions/", code));
      region.set_display_name(name);
      if (static_cast<int>(regions.size()) == batch_size) {
        if (!batch(regions)) return absl::OkStatus();
        regions.clear();
      }
    }
  } catch (const io::error::base& e) {
    return absl::InvalidArgumentError(e.what());
  }
  if (!regions.empty()) batch(regions);
  return absl::OkStatus();
}

}  // namespace zhiyuan::clients
