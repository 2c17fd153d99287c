/* global document, window, history, location, fetch, URL, URLSearchParams, AbortController, TextDecoder, setTimeout, clearTimeout */
// The question-answering page: plain DOM, no framework, no build step.
// Every piece of text that comes from the service (answers, quotes, titles,
// document text) is put on the page as text nodes or textContent, never as HTML.

const $ = (id) => document.getElementById(id);

/** An element with text content and attributes; children are nodes or strings (strings become text nodes). */
function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== undefined && child !== null));
  return node;
}

// ---------------------------------------------------------------- API

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

class NetworkError extends Error {
  constructor(message = "The service could not be reached.") {
    super(message);
    this.name = "NetworkError";
  }
}

const isAbort = (error) => error?.name === "AbortError";

async function errorOf(response) {
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const code = body?.error?.code ?? `http_${response.status}`;
  const message = body?.error?.message ?? `The server answered ${response.status} ${response.statusText}.`;
  return new ApiError(response.status, code, message);
}

async function request(url, init = {}) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new NetworkError();
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

async function readJson(response) {
  try {
    return await response.json();
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(response.status, "invalid_response", "The server sent a response that is not valid JSON.");
  }
}

const canStream = typeof TextDecoder === "function" && typeof window.ReadableStream === "function";

/**
 * Asks a question. With streaming, the passages arrive first (shown while the
 * answer is drawn from them); a server that does not stream answers with JSON,
 * which is read the same way.
 */
async function ask(question, signal, onPassages) {
  const response = await request("/v1/ask", {
    method: "POST",
    headers: { "content-type": "application/json", accept: canStream ? "text/event-stream, application/json;q=0.9" : "application/json" },
    body: JSON.stringify({ question }),
    signal,
  });
  const type = response.headers.get("content-type") ?? "";
  if (!canStream || !type.includes("text/event-stream") || !response.body) return readJson(response);
  return readEvents(response.body, onPassages);
}

function parseEvent(block) {
  let event = "message";
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  if (data.length === 0) return { event, data: undefined };
  try {
    return { event, data: JSON.parse(data.join("\n")) };
  } catch {
    return { event, data: undefined };
  }
}

async function readEvents(body, onPassages) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let answer;
  try {
    for (;;) {
      let chunk;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (isAbort(error)) throw error;
        throw new NetworkError("The connection broke before the answer arrived.");
      }
      buffer += decoder.decode(chunk.value ?? new Uint8Array(0), { stream: !chunk.done });
      let boundary;
      while ((boundary = /\r?\n\r?\n/.exec(buffer))) {
        const { event, data } = parseEvent(buffer.slice(0, boundary.index));
        buffer = buffer.slice(boundary.index + boundary[0].length);
        if (event === "passages" && data) onPassages?.(data);
        else if (event === "answer" && data) answer = data;
        else if (event === "error") {
          throw new ApiError(0, data?.error?.code ?? "internal_error", data?.error?.message ?? "The answer failed on the server.");
        } else if (event === "done" && answer) return answer;
      }
      if (chunk.done) break;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
  if (answer) return answer;
  throw new NetworkError("The answer stream ended before the answer arrived.");
}

let documentsPromise;
/** The corpus's documents (metadata only); fetched once, again after a failure or when `fresh`. */
function listDocuments(fresh = false) {
  if (!documentsPromise || fresh) {
    documentsPromise = request("/v1/documents")
      .then(readJson)
      .then((body) => body.documents ?? []);
    documentsPromise.catch(() => (documentsPromise = undefined));
  }
  return documentsPromise;
}

const documentCache = new Map();
async function getDocument(docId, signal) {
  const cached = documentCache.get(docId);
  if (cached) return cached;
  const document = await readJson(await request(`/v1/documents/${encodeURIComponent(docId)}`, { signal }));
  documentCache.set(docId, document);
  return document;
}

// ---------------------------------------------------------------- routing

const int = (value) => (value !== null && /^\d+$/.test(value) ? Number(value) : undefined);

/** The page's state lives in the query string of `/`: `?q=…`, `?view=documents`, `?doc=…&start=…&end=…&q=…`. */
function routeOf(search) {
  const params = new URLSearchParams(search);
  const docId = params.get("doc");
  if (docId) return { view: "document", docId, start: int(params.get("start")), end: int(params.get("end")), q: params.get("q") ?? "" };
  if (params.get("view") === "documents") return { view: "documents" };
  return { view: "ask", q: (params.get("q") ?? "").trim() };
}

function urlOf(route) {
  const params = new URLSearchParams();
  if (route.view === "document") {
    params.set("doc", route.docId);
    if (route.start !== undefined && route.end !== undefined) {
      params.set("start", String(route.start));
      params.set("end", String(route.end));
    }
    if (route.q) params.set("q", route.q);
  } else if (route.view === "documents") {
    params.set("view", "documents");
  } else if (route.q) {
    params.set("q", route.q);
  }
  const query = params.toString();
  return query ? `/?${query}` : "/";
}

const citationUrl = (citation, q) => urlOf({ view: "document", docId: citation.docId, start: citation.start, end: citation.end, q });
const currentUrl = () => location.pathname + location.search;

function navigate(url, kind = "push") {
  if (url === currentUrl()) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  render(kind);
}

// Links marked data-nav change the page's state in place; modified clicks (new tab, …) keep their default.
document.addEventListener("click", (event) => {
  const link = event.target instanceof window.Element ? event.target.closest("a[data-nav]") : null;
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const url = new URL(link.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});
// The skip link's #main adds a history entry too; only a change of the query string is a change of state.
window.addEventListener("popstate", () => {
  if (location.search !== renderedSearch) render("pop");
});

// ---------------------------------------------------------------- rendering

const answers = new Map();
let generation = 0;
let controller;
let renderedSearch;

function showView(name) {
  for (const view of ["ask", "documents", "document"]) $(`${view}-view`).hidden = view !== name;
  for (const link of document.querySelectorAll("[data-nav-id]")) {
    // The documents link stays current (as "true", not "page") while one document is open.
    if (link.dataset.navId === name) link.setAttribute("aria-current", "page");
    else if (name === "document" && link.dataset.navId === "documents") link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  }
}

function setStatus(node, text, busy = false) {
  node.textContent = text;
  node.classList.toggle("busy", busy);
}

/** Renders the state the URL describes; a newer render cancels an older one's requests. */
function render(kind = "push") {
  controller?.abort();
  controller = new AbortController();
  const run = { generation: ++generation, signal: controller.signal, kind };
  run.current = () => run.generation === generation;
  renderedSearch = location.search;
  const route = routeOf(location.search);
  showView(route.view);
  if (route.view === "documents") return renderDocuments(run);
  if (route.view === "document") return renderDocument(route, run);
  return renderAsk(route, run);
}

const metaLine = (document) => [document.author, document.publisher, document.date].filter(Boolean).join(" · ");

function locationOf(citation) {
  if (citation.page) return `page ${citation.page}`;
  if (Array.isArray(citation.headingPath) && citation.headingPath.length > 0) return citation.headingPath.join(" › ");
  return undefined;
}

// ---- the ask view

async function renderAsk(route, run) {
  const box = $("question");
  if (box.value.trim() !== route.q) box.value = route.q;
  clearFieldError();
  clearError();
  setStatus($("status"), "");
  const result = $("result");
  result.removeAttribute("aria-busy");
  if (!route.q) {
    document.title = "cited-rag — ask the documents";
    result.hidden = true;
    $("intro").hidden = false;
    if (run.kind === "pop" || run.kind === "push") $("ask-title").focus();
    return;
  }
  $("intro").hidden = true;
  document.title = `${route.q} — cited-rag`;
  const cached = ["submit", "load", "retry"].includes(run.kind) ? undefined : answers.get(route.q);
  if (cached) {
    await showAnswer(cached, route.q, run);
    if (run.current()) $("answer-heading").focus();
    return;
  }
  result.hidden = true;
  result.setAttribute("aria-busy", "true");
  setStatus($("status"), "Searching the documents…", true);
  try {
    const answer = await ask(route.q, run.signal, (passages) => {
      if (!run.current()) return;
      const n = passages.results?.length ?? 0;
      const docs = new Set((passages.results ?? []).map((r) => r.docId)).size;
      setStatus($("status"), `Found ${n} passage${n === 1 ? "" : "s"} in ${docs} document${docs === 1 ? "" : "s"}; choosing the quotes…`, true);
    });
    if (!run.current()) return;
    answers.set(route.q, answer);
    await showAnswer(answer, route.q, run);
  } catch (error) {
    if (isAbort(error) || !run.current()) return;
    result.removeAttribute("aria-busy");
    setStatus($("status"), "");
    showError(error);
  }
}

/** The answer's text with each `[n]` that follows its quote turned into a link to the quote in its document. */
function answerNodes(answer, citations, q) {
  const byMarker = new Map(citations.map((c) => [c.marker, c]));
  const nodes = [];
  const pattern = /\[(\d+)\]/g;
  let last = 0;
  let match;
  while ((match = pattern.exec(answer))) {
    const citation = byMarker.get(Number(match[1]));
    // A marker comes right after its quote; a "[2]" inside a quoted sentence is part of the quote.
    if (!citation || !answer.slice(last, match.index).trimEnd().endsWith(citation.text.trimEnd())) continue;
    nodes.push(answer.slice(last, match.index));
    nodes.push(
      h("a", { className: "marker", href: citationUrl(citation, q), "data-nav": true, "aria-label": `Source ${citation.marker}: ${citation.title}` }, `[${citation.marker}]`),
    );
    last = pattern.lastIndex;
  }
  nodes.push(answer.slice(last));
  return nodes.filter((node) => node !== "");
}

async function showAnswer(answer, q, run) {
  const metadata = new Map((await listDocuments().catch(() => [])).map((d) => [d.docId, d]));
  if (!run.current()) return;
  const citations = Array.isArray(answer.citations) ? answer.citations : [];
  const container = $("answer");
  container.classList.toggle("no-answer", !answer.answerable);
  if (answer.answerable) {
    container.replaceChildren(h("p", {}, ...answerNodes(answer.answer ?? "", citations, q)));
  } else {
    container.replaceChildren(
      h("p", { className: "no-answer-title" }, h("strong", { text: "No answer in the documents." })),
      h("p", { text: answer.answer ?? "The documents do not answer this question." }),
    );
  }
  $("citations-heading").textContent = answer.answerable ? "Sources" : "Nearest passages";
  const note = $("citations-note");
  note.hidden = answer.answerable && citations.length > 0;
  note.textContent =
    citations.length === 0
      ? "No passage of the documents came close to this question."
      : "These passages are the closest the documents come; they do not answer the question.";
  $("citations").replaceChildren(
    ...citations.map((citation) => {
      const doc = metadata.get(citation.docId);
      const meta = [doc && metaLine(doc), locationOf(citation)].filter(Boolean).join(" · ");
      return h(
        "li",
        { className: "citation", id: `source-${citation.marker}` },
        h(
          "p",
          { className: "cite-head" },
          h("span", { className: "cite-marker", "aria-hidden": "true", text: `[${citation.marker}]` }),
          " ",
          h("a", { className: "cite-link", href: citationUrl(citation, q), "data-nav": true }, citation.title ?? citation.docId),
        ),
        meta ? h("p", { className: "cite-meta", text: meta }) : null,
        h("blockquote", { className: "cite-quote", text: citation.text }),
      );
    }),
  );
  const result = $("result");
  result.removeAttribute("aria-busy");
  result.hidden = false;
  setStatus($("status"), answer.answerable ? `Answered with ${citations.length} quoted source${citations.length === 1 ? "" : "s"}.` : "The documents do not answer this question.");
}

// ---- errors

function describeError(error) {
  if (error instanceof NetworkError) {
    return { title: "Cannot reach the service.", text: `${error.message} Check your connection, or that the server is running, then try again.`, retry: true };
  }
  const code = error?.code;
  if (code === "not_ready" || code === "embedding_failed" || error?.status === 503) {
    return {
      title: "The service is not ready yet.",
      text: code === "embedding_failed" ? "Its language model is restarting; try again in a few seconds." : "It is still loading its documents and model; try again in a few seconds.",
      retry: true,
      whenReady: true,
    };
  }
  if (error?.status >= 400 && error?.status < 500) {
    const tooLong = /is (\d+) characters long; the limit is (\d+)/.exec(error.message ?? "");
    if (tooLong) return { title: "The question is too long.", text: `It has ${tooLong[1]} characters; the limit is ${tooLong[2]}. Shorten it and ask again.` };
    if (code === "not_found") return { title: "Not found.", text: error.message };
    return { title: "The question could not be asked.", text: error.message };
  }
  return { title: "Something went wrong on the server.", text: error?.message ?? String(error), retry: true };
}

function showError(error, target = $("error")) {
  const { title, text, retry, whenReady } = describeError(error);
  const parts = [h("p", {}, h("strong", { text: title }), " ", text)];
  if (retry) parts.push(h("button", { type: "button", className: "retry" }, "Try again"));
  target.replaceChildren(...parts);
  target.dataset.whenReady = whenReady ? "true" : "";
  target.querySelector("button.retry")?.addEventListener("click", () => render("retry"));
  if (whenReady) checkReadiness();
}

function clearError() {
  $("error").replaceChildren();
  $("error").dataset.whenReady = "";
}

function showFieldError(text) {
  const error = $("question-error");
  error.textContent = text;
  error.hidden = false;
  $("question").setAttribute("aria-invalid", "true");
}

function clearFieldError() {
  $("question-error").hidden = true;
  $("question-error").textContent = "";
  $("question").removeAttribute("aria-invalid");
}

// ---- the documents view

async function renderDocuments(run) {
  document.title = "Documents — cited-rag";
  const list = $("documents-list");
  const status = $("documents-status");
  setStatus(status, "Loading the documents…", true);
  if (run.kind !== "load") $("documents-title").focus();
  try {
    const documents = await listDocuments(true);
    if (!run.current()) return;
    setStatus(status, documents.length === 0 ? "The corpus has no documents yet." : `${documents.length} document${documents.length === 1 ? "" : "s"}.`);
    list.replaceChildren(
      ...documents.map((doc) =>
        h(
          "li",
          {},
          h("a", { className: "doc-link", href: urlOf({ view: "document", docId: doc.docId }), "data-nav": true }, doc.title ?? doc.docId),
          h("p", { className: "meta", text: [metaLine(doc), doc.sourceFile].filter(Boolean).join(" · ") }),
        ),
      ),
    );
  } catch (error) {
    if (isAbort(error) || !run.current()) return;
    setStatus(status, "");
    list.replaceChildren();
    showError(error, status);
  }
}

// ---- the document view

const validSpan = (start, end, length) => start !== undefined && end !== undefined && start < end && end <= length;
/** Citations of the answer to `q` that quote this document (and still match its text). */
function citationsIn(doc, q) {
  const answer = q ? answers.get(q) : undefined;
  return (answer?.citations ?? []).filter((c) => c.docId === doc.docId && doc.text.slice(c.start, c.end) === c.text);
}

/**
 * The document's text as text nodes, with the cited span in one `<mark class="current">` and the other
 * quoted spans of the same answer in `<mark>`s (merged where they overlap, cut where they meet the current one).
 */
function renderText(container, text, current, others) {
  const spans = [];
  const sorted = others
    .filter((c) => !current || c.start !== current.start || c.end !== current.end)
    .map((c) => ({ start: c.start, end: c.end, markers: [c.marker] }))
    .sort((a, b) => a.start - b.start);
  const merged = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) {
      last.end = Math.max(last.end, span.end);
      last.markers.push(...span.markers);
    } else merged.push(span);
  }
  for (const span of merged) {
    if (!current || span.end <= current.start || span.start >= current.end) spans.push(span);
    else {
      if (span.start < current.start) spans.push({ ...span, end: current.start });
      if (span.end > current.end) spans.push({ ...span, start: current.end });
    }
  }
  if (current) spans.push({ ...current, current: true });
  spans.sort((a, b) => a.start - b.start);
  const fragment = document.createDocumentFragment();
  let position = 0;
  for (const span of spans) {
    if (span.start > position) fragment.append(text.slice(position, span.start));
    const mark = h("mark", { className: span.current ? "cite current" : "cite", text: text.slice(span.start, span.end) });
    if (span.markers?.length) mark.title = `Quoted as ${span.markers.map((n) => `[${n}]`).join(" ")}`;
    if (span.current) {
      mark.id = "current-mark";
      mark.tabIndex = -1;
    }
    fragment.append(mark);
    position = span.end;
  }
  if (position < text.length) fragment.append(text.slice(position));
  container.replaceChildren(fragment);
}

function renderQuotedList(doc, route, citations) {
  const nav = $("doc-cites");
  nav.hidden = citations.length === 0;
  $("doc-cites-list").replaceChildren(
    ...citations.map((c) => {
      const isCurrent = c.start === route.start && c.end === route.end;
      const excerpt = c.text.length > 90 ? `${c.text.slice(0, 90).trimEnd()}…` : c.text;
      return h(
        "li",
        {},
        h("a", { href: citationUrl(c, route.q), "data-nav": true, "aria-current": isCurrent ? "location" : undefined }, h("span", { className: "cite-marker", text: `[${c.marker}]` }), " ", excerpt),
      );
    }),
  );
}

function showMarks(doc, route, citations, moveFocus) {
  const text = $("doc-text");
  const current = validSpan(route.start, route.end, doc.text.length) ? { start: route.start, end: route.end } : undefined;
  const marker = citations.find((c) => current && c.start === current.start && c.end === current.end)?.marker;
  if (current && marker !== undefined) current.markers = [marker];
  renderText(text, doc.text, current, citations);
  renderQuotedList(doc, route, citations);
  const mark = $("current-mark");
  if (mark && moveFocus) {
    mark.scrollIntoView({ block: "center" });
    mark.focus({ preventScroll: true });
  }
  return mark;
}

async function renderDocument(route, run) {
  const back = $("doc-back");
  if (route.q) {
    back.href = urlOf({ view: "ask", q: route.q });
    back.textContent = "Back to the answer";
  } else {
    back.href = urlOf({ view: "documents" });
    back.textContent = "All documents";
  }
  const status = $("doc-status");
  $("doc-title").textContent = "Document";
  $("doc-meta").textContent = "";
  $("doc-cites").hidden = true;
  $("doc-text").replaceChildren();
  setStatus(status, "Loading the document…", true);
  let doc;
  try {
    doc = await getDocument(route.docId, run.signal);
  } catch (error) {
    if (isAbort(error) || !run.current()) return;
    setStatus(status, "");
    showError(error, status);
    return;
  }
  if (!run.current()) return;
  document.title = `${doc.title ?? doc.docId} — cited-rag`;
  $("doc-title").textContent = doc.title ?? doc.docId;
  $("doc-meta").textContent = [metaLine(doc), doc.sourceFile].filter(Boolean).join(" · ");
  const spanGiven = route.start !== undefined || route.end !== undefined;
  const spanValid = validSpan(route.start, route.end, doc.text.length);
  setStatus(
    status,
    spanGiven && !spanValid
      ? "The quoted span is not inside this document; it may have changed since the link was made."
      : spanValid
        ? `Showing the quoted passage (characters ${route.start}–${route.end}).`
        : "",
  );
  const mark = showMarks(doc, route, citationsIn(doc, route.q), true);
  if (!mark) {
    window.scrollTo(0, 0);
    if (run.kind !== "load") $("doc-title").focus();
  }
  // A shared link names the question: ask it (without streaming) to mark the answer's other quotes too.
  if (route.q && !answers.has(route.q)) {
    try {
      const answer = await readJson(
        await request("/v1/ask", { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ question: route.q }), signal: run.signal }),
      );
      if (!run.current()) return;
      answers.set(route.q, answer);
      const hadFocus = document.activeElement === $("current-mark") || document.activeElement === document.body;
      const y = window.scrollY;
      showMarks(doc, route, citationsIn(doc, route.q), false);
      window.scrollTo(0, y);
      if (hadFocus) $("current-mark")?.focus({ preventScroll: true });
    } catch {
      // The document and its cited span are shown already; the other quotes are a bonus.
    }
  }
}

// ---------------------------------------------------------------- the question box

const form = $("ask-form");
const box = $("question");
box.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});
box.addEventListener("input", () => {
  if (!$("question-error").hidden && box.value.trim()) clearFieldError();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = box.value.trim();
  if (!q) {
    showFieldError("Type a question first.");
    box.focus();
    return;
  }
  clearFieldError();
  navigate(urlOf({ view: "ask", q }), "submit");
});

// ---------------------------------------------------------------- readiness

const READINESS = {
  loading: "The service is loading its documents and model; questions will be answered once it is ready.",
  model_unavailable: "The service's language model is restarting; questions will be answered again in a moment.",
  unreachable: "The service cannot be reached. Check your connection, or that the server is running.",
};
let readinessTimer;
let readinessCheck;

/** Polls /readyz while the service is not ready, showing why in a banner; one poll at a time. */
function checkReadiness() {
  readinessCheck ??= pollReadiness().finally(() => (readinessCheck = undefined));
  return readinessCheck;
}

async function pollReadiness() {
  clearTimeout(readinessTimer);
  let status;
  try {
    const response = await fetch("/readyz", { cache: "no-store" });
    const body = await response.json().catch(() => ({}));
    status = response.ok ? "ready" : (body.status ?? "loading");
  } catch {
    status = "unreachable";
  }
  const banner = $("readiness");
  if (status === "ready") {
    const wasShown = !banner.hidden;
    banner.hidden = true;
    banner.textContent = "";
    // A question refused because the service was not ready is asked again by itself.
    if (wasShown && $("error").dataset.whenReady === "true" && routeOf(location.search).view === "ask") render("retry");
    return;
  }
  banner.textContent = READINESS[status] ?? READINESS.loading;
  banner.hidden = false;
  readinessTimer = setTimeout(checkReadiness, status === "unreachable" ? 5000 : 2000);
}

// ---------------------------------------------------------------- start

listDocuments()
  .then((documents) => {
    const summary = $("corpus-summary");
    const link = h("a", { href: urlOf({ view: "documents" }), "data-nav": true }, "Browse them");
    summary.replaceChildren(`The corpus holds ${documents.length} document${documents.length === 1 ? "" : "s"}. `, link, ".");
  })
  .catch(() => undefined);
checkReadiness();
render("load");
