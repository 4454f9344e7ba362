#!/usr/bin/env bash
# Rebuild the real off-air captures of docs/real-captures.md as SigMF pairs (from fetched snapshots of their public
# repositories; nothing is committed here) and run each through `bandwatch analyze`, without a plan and with a
# realistic one, printing one summary line per run. Re-run after a change to the pipeline and compare.
#
# Usage: scripts/real-captures.sh [MIRROR_DIR=/work/.mirror] [OUT_DIR=/tmp/real]
# Needs the bare snapshots <MIRROR_DIR>/<owner>+<name>/repo of antirez/dump1090, JiaoXianjun/rtl-sdr-LTE,
# JiaoXianjun/LTE-Cell-Scanner-big-file and merbanan/rtl_433 (a capture whose repository is absent is skipped).
set -euo pipefail
M=${1:-/work/.mirror}
D=${2:-/tmp/real}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$D"
mk() { printf '{"global":{"core:datatype":"cu8","core:sample_rate":%s,"core:version":"1.0.0"},"captures":[{"core:sample_start":0,"core:frequency":%s}],"annotations":[]}\n' "$2" "$3" > "$D/$1.sigmf-meta"; }
have() { [ -d "$M/$1/repo" ]; }
show() { git -C "$M/$1/repo" show "$2"; }

if have antirez+dump1090; then show antirez+dump1090 HEAD:testfiles/modes1.bin > "$D/modes1.sigmf-data"; mk modes1 2000000 1090000000; fi
if have JiaoXianjun+rtl-sdr-LTE; then
  L=JiaoXianjun+rtl-sdr-LTE; S=HEAD:scan-capture
  show $L $S/frequency-1850-1880MHz/f1860_s1.92_g0_1s.bin | tail -c +129 > "$D/lte1860.sigmf-data"; mk lte1860 1920000 1860000000
  show $L $S/frequency-1880-1900MHz/f1890.1_s1.92_g0_1s.bin > "$D/lte1890.sigmf-data"; mk lte1890 1920000 1890100000
  show $L $S/frequency-2635-2655MHz/f2645.1_s1.92_g0_1s.bin > "$D/lte2645.sigmf-data"; mk lte2645 1920000 2645100000
fi
if have merbanan+rtl_433; then
  for i in 1 2 3; do
    show merbanan+rtl_433 1a9890cab23c3cc0547e0c212e9cc8c55ae7b928:tests/g00${i}_433.92M_250k.cu8 > "$D/skylink_g00$i.sigmf-data"
    mk skylink_g00$i 250000 433920000
  done
  R=3a7ef7492b864537cc4f18ff9a54512e296c3fdf:tests/radiohead_ask/03
  show merbanan+rtl_433 $R/g001_433.92M_250k.cu8 > "$D/radiohead_g001.sigmf-data"; mk radiohead_g001 250000 433920000
  for i in 1 2 3 4 5 6 7 8; do show merbanan+rtl_433 $R/g00${i}_433.92M_250k.cu8; done > "$D/radiohead_concat8.sigmf-data"
  mk radiohead_concat8 250000 433920000
fi

# Realistic plans: the SSR channel at 1090 MHz; the 433 MHz SRD band as a shared band.
printf '%s\n' '{"name":"SSR","assignments":[{"id":"SSR-1090","centerHz":1090000000,"bandwidthHz":2600000,"emission":"2M60M1D","service":"aeronautical radionavigation"}]}' > "$D/plan-ssr.json"
printf '%s\n' '{"name":"SRD","assignments":[{"id":"SRD-433","centerHz":433920000,"bandwidthHz":1740000,"emission":"1M74K1D","service":"short range devices","shared":true}]}' > "$D/plan-srd.json"

run() { # name [plan]
  local name=$1 plan=${2:-}
  [ -f "$D/$name.sigmf-meta" ] || return 0
  local out
  out=$(node "$ROOT/bin/bandwatch.mjs" analyze --input "$D/$name.sigmf-meta" ${plan:+--plan "$plan"} --format jsonl 2>/dev/null || true)
  local det alarms kinds
  det=$(grep -c '"type":"detection"' <<<"$out" || true)
  alarms=$(grep -c '"type":"alarm"' <<<"$out" || true)
  kinds=$(grep -o '"type":"alarm","kind":"[a-z-]*"' <<<"$out" | sed 's/.*"kind":"//; s/"//' | sort | uniq -c | awk '{printf "%s %s×%s", (NR>1?",":""), $2, $1}' || true)
  printf '%-18s %-9s %4s detections %3s alarms%s\n' "$name" "${plan:+$(basename "$plan" .json)}" "$det" "$alarms" "${kinds:+ (${kinds# })}"
}
for n in modes1 lte1860 lte1890 lte2645 skylink_g001 skylink_g002 skylink_g003 radiohead_g001 radiohead_concat8; do run $n; done
run modes1 "$D/plan-ssr.json"
for n in skylink_g001 radiohead_concat8; do run $n "$D/plan-srd.json"; done
