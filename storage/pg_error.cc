#include "storage/pg_error.h"

#include <glog/logging.h>

#include <exception>
#include <pqxx/except>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zhiyuan::storage {

absl::StatusCode StatusCodeForSqlState(absl::string_view sqlstate) {
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;
  if (sqlstate == "23503") return absl::StatusCode::kFailedPrecondition;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return absl::StatusCode::kAborted;
  }
  if (sqlstate == "57014") return absl::StatusCode::kDeadlineExceeded;
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" || sqlstate == "53300") {
    return absl::StatusCode::kUnavailable;
  }
  if (absl::StartsWith(sqlstate, "08")) return absl::StatusCode::kUnavailable;
  if (absl::StartsWith(sqlstate, "53")) return absl::StatusCode::kResourceExhausted;
  if (absl::StartsWith(sqlstate, "22") || absl::StartsWith(sqlstate, "23")) {
    return absl::StatusCode::kInvalidArgument;
  }
  return absl::StatusCode::kInternal;
}

namespace {

absl::string_view Describe(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kAlreadyExists:
      return "the object already exists";
    case absl::StatusCode::kFailedPrecondition:
      return "a referenced object does not exist or is still referenced";
    case absl::StatusCode::kInvalidArgument:
      return "a value was rejected by the database";
    case absl::StatusCode::kAborted:
      return "conflict with a concurrent transaction; retry";
    case absl::StatusCode::kDeadlineExceeded:
      return "the database did not answer before the deadline";
    case absl::StatusCode::kUnavailable:
      return "the database is unavailable";
    case absl::StatusCode::kResourceExhausted:
      return "the database is out of resources";
    default:
      return "internal database error";
  }
}

absl::Status Make(absl::StatusCode code, absl::string_view what) {
  return absl::Status(code, absl::StrCat(what, ": ", Describe(code)));
}

}  // namespace

absl::Status StatusFromCurrentException(absl::string_view what) {
  try {
    throw;
  } catch (const pqxx::sql_error& e) {
    const absl::StatusCode code = StatusCodeForSqlState(e.sqlstate());
    LOG(WARNING) << what << ": SQLSTATE " << e.sqlstate() << ": " << e.what()
                 << " [query: " << e.query() << "]";
    return Make(code, what);
  } catch (const pqxx::broken_connection& e) {
    LOG(WARNING) << what << ": connection broken: " << e.what();
    return Make(absl::StatusCode::kUnavailable, what);
  } catch (const pqxx::in_doubt_error& e) {
    LOG(ERROR) << what << ": commit outcome unknown: " << e.what();
    return absl::UnknownError(
        absl::StrCat(what,
                     ": the connection was lost while committing; the change may or may "
                     "not have been applied"));
  } catch (const pqxx::statement_completion_unknown& e) {
    LOG(ERROR) << what << ": statement outcome unknown: " << e.what();
    return absl::UnknownError(
        absl::StrCat(what, ": the database could not say whether the statement completed"));
  } catch (const pqxx::transaction_rollback& e) {
    // libpqxx 6 throws these (serialization failure, deadlock) without a sqlstate().
    LOG(WARNING) << what << ": transaction rolled back: " << e.what();
    return Make(absl::StatusCode::kAborted, what);
  } catch (const std::exception& e) {
    LOG(ERROR) << what << ": " << e.what();
    return Make(absl::StatusCode::kInternal, what);
  } catch (...) {
    LOG(ERROR) << what << ": unknown exception";
    return Make(absl::StatusCode::kInternal, what);
  }
}

}  // namespace zhiyuan::storage
