#!/usr/bin/env bash
# charnn serve driven by curl, as a shell user would: start it on a free port, read its URL,
# call each kind of endpoint, check the answers with grep, stop it with SIGTERM (exit 0).
#   bash test/server/curl.sh MODEL.safetensors     (run by test/server/curl.test.ts)
set -euo pipefail
model=$1
charnn="node $(dirname "$0")/../../bin/charnn.js"
out=$(mktemp)
err=$(mktemp)
$charnn serve -m "$model" --port 0 --threads 1 >"$out" 2>"$err" &
pid=$!
# Whatever happens, the server does not outlive the script.
trap 'kill "$pid" 2>/dev/null || true; rm -f "$out" "$err" "$out.sse" "$out.body"' EXIT
for _ in $(seq 100); do grep -q '^charnn serve: http' "$out" && break; sleep 0.1; done
url=$(sed -n 's/^charnn serve: \(http:[^ ]*\) .*/\1/p' "$out")
[ -n "$url" ] || { echo "no URL printed: $(cat "$err")"; exit 1; }

fail() { echo "FAIL: $*"; kill "$pid"; exit 1; }
curl -sf "$url/health" | grep -q '"status":"ok"' || fail health
curl -sf "$url/v1/score" -d '{"text": "the cat sat."}' | grep -q '"text":"the cat sat.","logprob_log10":-' || fail score
# Streamed: server-sent events as the text is made, then the whole answer.
curl -sfN "$url/v1/sample" -H 'Content-Type: application/json' -d '{"prime": "the ", "seed": 1, "length": 100, "stream": true}' >"$out.sse" || fail sample
grep -q '^event: text$' "$out.sse" || fail "no text events"
grep -q '^event: done$' "$out.sse" || fail "no done event"
rm -f "$out.sse"
# A bad value: 400, naming the field and the CLI's range.
code=$(curl -s -o "$out.body" -w '%{http_code}' "$url/v1/sample" -d '{"top_p": 2}')
[ "$code" = 400 ] || fail "top_p 2 gave $code"
grep -q '"message":"top_p is 2: expected a number from 0 to 1 (as charnn sample --top-p)"' "$out.body" || fail "message: $(cat "$out.body")"
rm -f "$out.body"
curl -sf "$url/v1/completions" -d '{"prompt": "the ", "max_tokens": 5, "seed": 2}' | grep -q '"object":"text_completion"' || fail completions
kill -TERM "$pid"
wait "$pid" || fail "exit $?"
grep -q '^POST /v1/score 200 ' "$err" || fail "no access line: $(cat "$err")"
echo "curl: every check passed"
