// Early-return macros for absl::Status and absl::StatusOr (Abseil 20220623 ships none).
#ifndef ZHIYUAN_STORAGE_STATUS_MACROS_H_
#define ZHIYUAN_STORAGE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns the status of `expr` from the enclosing function unless it is OK.
#define ZY_RETURN_IF_ERROR(expr)             \
  do {                                       \
    const absl::Status zy_status_ = (expr);  \
    if (!zy_status_.ok()) return zy_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr<T>); returns its status unless OK, else moves the value
// into `lhs`, which may be a declaration: ZY_ASSIGN_OR_RETURN(auto x, MakeX());
#define ZY_ASSIGN_OR_RETURN(lhs, rexpr) \
  ZY_ASSIGN_OR_RETURN_IMPL_(ZY_CONCAT_(zy_statusor_, __LINE__), lhs, rexpr)

#define ZY_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)    \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

#define ZY_CONCAT_(a, b) ZY_CONCAT_INNER_(a, b)
#define ZY_CONCAT_INNER_(a, b) a##b

#endif  // ZHIYUAN_STORAGE_STATUS_MACROS_H_
