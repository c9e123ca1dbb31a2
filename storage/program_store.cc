#include "storage/program_store.h"

namespace zhiyuan::storage {

absl::Status ApplyProgramChange(const ProgramChange& change, Program& program) {
  Program next = program;
  if (change.display_name) next.display_name = *change.display_name;
  if (change.category) next.category = *change.category;
  if (change.description) next.description = *change.description;
  if (change.start_date) next.start_date = *change.start_date;
  if (change.end_date) next.end_date = *change.end_date;
  if (next.end_date.has_value() && *next.end_date < next.start_date) {
    return absl::FailedPreconditionError(
        "program.end_date: the program would end before it starts");
  }
  program = std::move(next);
  return absl::OkStatus();
}

}  // namespace zhiyuan::storage
