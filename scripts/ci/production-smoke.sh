#!/usr/bin/env bash
# Production mode, as a user runs it: a fresh clone of this repository's HEAD,
# `npm ci --omit=dev`, `npm start`; passes when /v1/ask answers with a citation
# that verifies against /v1/documents/:docId. Usage: scripts/ci/production-smoke.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
server_pid=""
# npm does not pass SIGTERM on to the server it started: the server runs in a
# process group of its own, and the whole group is stopped.
cleanup() {
  if [ -n "$server_pid" ]; then
    kill -TERM -- "-$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

git clone -q "$repo" "$work/app"
cd "$work/app"
echo "production smoke: npm ci --omit=dev in $work/app"
npm ci --omit=dev --no-audit --no-fund --loglevel=error
for dev in vitest tsx eslint @langchain/community; do
  [ ! -e "node_modules/$dev" ] || { echo "production smoke: devDependency $dev was installed" >&2; exit 1; }
done

port="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
PORT="$port" setsid npm start >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"

# A first start compiles src/ and builds the index (about 30 s here); 5 minutes is the limit.
if ! node - "$base" <<'JS'; then echo "production smoke: the server log follows" >&2; cat "$work/server.log" >&2; exit 1; fi
const base = process.argv[2];
const deadline = Date.now() + 300_000;
for (;;) {
  const status = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
  if (status === 200) break;
  if (Date.now() > deadline) throw new Error(`not ready after 300 s (last /readyz status ${status})`);
  await new Promise((resolve) => setTimeout(resolve, 500));
}
const response = await fetch(`${base}/v1/ask`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ question: "How much in frozen Russian state assets is held in Japan?" }),
});
const body = await response.json();
if (response.status !== 200 || !body.answerable || body.citations.length === 0) throw new Error(`unexpected answer: ${response.status} ${JSON.stringify(body)}`);
for (const c of body.citations) {
  const doc = await (await fetch(`${base}/v1/documents/${c.docId}`)).json();
  if (doc.text.slice(c.start, c.end) !== c.text) throw new Error(`citation ${c.marker} does not verify`);
}
console.log(`production smoke: /v1/ask answered "${body.answer.slice(0, 80)}…" with ${body.citations.length} verified citation(s)`);
JS

# The package's entries resolve with production dependencies only: the typed
# client verifies an answer's citations, the LangChain retriever returns them.
node --input-type=module - "$base" <<'JS'
const base = process.argv[2];
const { createClient } = await import("cited-rag/client");
const { CitedRagRetriever } = await import("cited-rag/langchain");
const { API_VERSION } = await import("cited-rag");
const client = createClient({ baseUrl: base });
const answer = await client.ask("Which Belgian institution holds the frozen Russian assets?");
for (const c of answer.citations) {
  const { valid, reason } = await client.verifyCitation(c);
  if (!valid) throw new Error(`citation ${c.marker} does not verify: ${reason}`);
}
const documents = await new CitedRagRetriever({ source: client, k: 2 }).invoke("frozen Russian assets");
if (documents.length !== 2 || !documents[0].metadata.citation) throw new Error("the retriever returned no cited documents");
console.log(`production smoke: package entries (API ${API_VERSION}) verified ${answer.citations.length} citation(s) and retrieved ${documents.length} documents`);
JS
