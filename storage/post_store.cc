#include "storage/post_store.h"

namespace zhiyuan::storage {

void ApplyPostChange(const PostChange& change, Post& post) {
  if (change.display_name) post.display_name = *change.display_name;
  if (change.host_organization) post.host_organization = *change.host_organization;
  if (change.host_kind) post.host_kind = *change.host_kind;
  if (change.address) post.address = *change.address;
  if (change.location) post.location = *change.location;
  if (change.opening_hours) post.opening_hours = *change.opening_hours;
  if (change.duty_team_id) post.duty_team_id = *change.duty_team_id;
  if (change.status) post.status = *change.status;
}

}  // namespace zhiyuan::storage
