import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express from "express";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRag, type Rag, type RagOptions } from "../../src/rag.js";
import { createApp } from "../../src/server/app.js";
import type { AskResponse } from "../../src/schemas.js";
import { SHARED_TEST_INDEX } from "../helpers/server.js";

// The page at `/` (src/web), driven by Debian's Chromium through playwright-core,
// against the real service: real model, real index, real HTTP.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const WEB_ROOT = path.join(root, "src/web");
const SCREENSHOTS = path.join(root, "docs/screenshots");
// CHROMIUM_PATH only to try another build (or, pointed at nothing, the skip).
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(
    [
      "",
      "!".repeat(78),
      `!!! BROWSER TESTS SKIPPED: ${CHROMIUM} not found.`,
      "!!! test/web/page.test.ts needs Debian's Chromium: apt-get install -y chromium",
      "!".repeat(78),
      "",
    ].join("\n"),
  );
}

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 740 };
const QUESTION = "Which Belgian institution holds the frozen Russian assets?";
// Answered with two quotes from the same document: the second is marked beside the first.
const TWO_QUOTES = "How much in frozen Russian state assets is held in Japan?";
const UNANSWERABLE = "What is the boiling point of mercury?";

interface WebService {
  rag: Rag;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The service with the page mounted. createApp ends with a catch-all 404, so
 * while it does not serve the page itself, the static folder is put in front
 * of it on the same server; once app.ts mounts it, `/` answers and this adds nothing.
 */
async function startWebService(options: RagOptions): Promise<WebService> {
  const rag = createRag(options);
  await rag.load();
  const app = createApp(rag, () => {});
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = await fetch(`${baseUrl}/`);
  await probe.arrayBuffer();
  if (probe.status === 404) {
    const withPage = express();
    withPage.disable("x-powered-by");
    withPage.use(express.static(WEB_ROOT));
    withPage.use(app);
    server.removeAllListeners("request");
    server.on("request", withPage);
  }
  return {
    rag,
    baseUrl,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rag.close();
    },
  };
}

async function askApi(baseUrl: string, question: string): Promise<AskResponse> {
  const response = await fetch(`${baseUrl}/v1/ask`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
  expect(response.status).toBe(200);
  return (await response.json()) as AskResponse;
}

const XSS_TEXT = [
  "Notes from a hostile page",
  "",
  'The lighthouse keeper wrote <script>window.__xss=1</script> in the log, and then <img src=x onerror="window.__xss=1"> beside it.',
  "",
  "The lighthouse keeper trimmed the lamp wicks every evening before sunset.",
  "",
].join("\n");

let main: WebService;
let hostile: WebService;
let hostileDir: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function openPage(viewport = DESKTOP): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  return context.newPage();
}

/** Runs a DOM expression in the page (tsconfig has no DOM types, so page code is written as strings). */
const inPage = <T>(page: Page, expression: string): Promise<T> => page.evaluate(expression) as Promise<T>;
const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? "";
const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();
const query = (page: Page) => new URL(page.url()).searchParams;

/** Screenshots at desktop and phone width, checking on the way that nothing overflows sideways on a phone (nor at 360 px). */
async function screenshot(page: Page, name: string) {
  for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(viewport);
    await inPage(page, "document.getElementById('current-mark')?.scrollIntoView({ block: 'center' })");
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`) });
  }
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await inPage(page, "document.documentElement.scrollWidth - document.documentElement.clientWidth"), `${name} overflows at 360 px`).toBe(0);
  await page.setViewportSize(DESKTOP);
}

async function waitForAnswer(page: Page) {
  await page.locator("#result:not([hidden]) #citations li").first().waitFor();
}

async function waitForMark(page: Page) {
  await page.locator("#document-view:not([hidden]) mark.current").waitFor();
}

/** WCAG contrast ratio of each selector's first element's text against its nearest opaque background. */
const CONTRAST = `(selectors) => {
  const parse = (c) => { const n = c.match(/[\\d.]+/g).map(Number); return { rgb: n.slice(0, 3), alpha: n.length > 3 ? n[3] : 1 }; };
  const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (el) => {
    for (let n = el; n; n = n.parentElement) { const c = parse(getComputedStyle(n).backgroundColor); if (c.alpha > 0) return c.rgb; }
    return [255, 255, 255];
  };
  return Object.fromEntries(selectors.map((s) => {
    const el = document.querySelector(s);
    if (!el) return [s, 0];
    const [hi, lo] = [luminance(parse(getComputedStyle(el).color).rgb), luminance(background(el))].sort((a, b) => b - a);
    return [s, Math.round(((hi + 0.05) / (lo + 0.05)) * 10) / 10];
  }));
}`;

async function expectReadable(page: Page, selectors: string[]) {
  const ratios = (await inPage(page, `(${CONTRAST})(${JSON.stringify(selectors)})`)) as Record<string, number>;
  for (const selector of selectors) expect(ratios[selector], `contrast of ${selector}`).toBeGreaterThanOrEqual(4.5);
}

/** Presses Tab until the focused element matches, as a keyboard user would. */
async function tabTo(page: Page, selector: string, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await inPage<boolean>(page, `!!document.activeElement?.matches(${JSON.stringify(selector)})`)) return;
  }
  throw new Error(`${limit} presses of Tab never reached ${selector}`);
}

describe.skipIf(!hasChromium)("the page at / in Chromium", () => {
  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    hostileDir = await mkdtemp(path.join(os.tmpdir(), "cited-rag-web-"));
    const corpusDir = path.join(hostileDir, "corpus");
    await mkdir(corpusDir);
    await writeFile(path.join(corpusDir, "hostile.txt"), XSS_TEXT);
    await writeFile(
      path.join(corpusDir, "manifest.json"),
      JSON.stringify({
        formatVersion: 1,
        documents: [{ file: "hostile.txt", docId: "hostile", title: 'Hostile <img src=x onerror="window.__xss=2"> title', author: "<script>window.__xss=3</script>" }],
      }),
    );
    const launching = chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      // One service at a time: the two models would fight over the cores while loading.
      main = await startWebService({ indexDir: SHARED_TEST_INDEX });
      hostile = await startWebService({ corpusDir, indexDir: path.join(hostileDir, "index"), embedThreads: 1 });
    } finally {
      browser = await launching;
    }
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await main?.close();
    await hostile?.close();
    if (hostileDir) await rm(hostileDir, { recursive: true, force: true });
  });

  it("serves a light page: HTML, CSS and JS under 100 KB transferred", async () => {
    const page = await openPage();
    await page.goto(`${main.baseUrl}/`, { waitUntil: "networkidle" });
    const sizes = await inPage<{ name: string; bytes: number }[]>(
      page,
      `[...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
        .filter((e) => !/\\/(v1|readyz)/.test(e.name))
        .map((e) => ({ name: new URL(e.name).pathname, bytes: e.transferSize }))`,
    );
    expect(sizes.map((s) => s.name).sort()).toEqual(["/", "/app.js", "/style.css"]);
    const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    console.log(`page transfer size: ${total} bytes (${sizes.map((s) => `${s.name} ${s.bytes}`).join(", ")})`);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(100 * 1024);
  });

  it("asks a real question and shows the quoted answer, its [n] links and its sources (streamed)", async () => {
    const expected = await askApi(main.baseUrl, QUESTION);
    expect(expected.answerable).toBe(true);
    const page = await openPage();
    const asks: { accept: string; type: string }[] = [];
    page.on("response", (response) => {
      if (response.url().endsWith("/v1/ask")) asks.push({ accept: response.request().headers()["accept"] ?? "", type: response.headers()["content-type"] ?? "" });
    });
    await page.goto(`${main.baseUrl}/`);
    await page.locator("#corpus-summary", { hasText: "5 documents" }).waitFor();
    expect(await page.locator("#result").isHidden()).toBe(true);
    await screenshot(page, "home");

    await page.getByLabel("Your question").fill(QUESTION);
    await page.getByLabel("Your question").press("Enter");
    await waitForAnswer(page);

    expect(query(page).get("q")).toBe(QUESTION);
    // The answer reads exactly as the service wrote it, markers included, and each marker is a link.
    expect(await text(page, "#answer")).toBe(expected.answer);
    expect(await texts(page, "#answer a.marker")).toEqual(expected.citations.map((c) => `[${c.marker}]`));
    expect(await texts(page, "#citations .cite-link")).toEqual(expected.citations.map((c) => c.title));
    expect(await texts(page, "#citations .cite-quote")).toEqual(expected.citations.map((c) => c.text));
    const meta = await texts(page, "#citations .cite-meta");
    expect(meta[0]).toContain("Tamilla Hasanova"); // the article's author; it names no publisher
    expect(await text(page, "#citations-heading")).toBe("Sources");
    expect(await page.locator("#answer-live").getAttribute("aria-live")).toBe("polite");
    // Streamed: the browser asked for server-sent events and got them.
    expect(asks).toEqual([{ accept: expect.stringContaining("text/event-stream"), type: expect.stringMatching(/^text\/event-stream/) }]);
    await screenshot(page, "answer");
    const readable = ["#answer p", "#answer a.marker", "#citations .cite-link", "#citations .cite-meta", "#citations .cite-marker", "#citations .cite-quote", ".hint", "#status", "#ask-button", "nav a"];
    await expectReadable(page, readable);
    await page.emulateMedia({ colorScheme: "dark" });
    await expectReadable(page, readable);
  });

  it("opens the cited span in its document, in a <mark> scrolled into view, with the answer's other quotes marked", async () => {
    const expected = await askApi(main.baseUrl, TWO_QUOTES);
    const [first, second] = expected.citations;
    expect(first && second && first.docId === second.docId).toBe(true);
    const page = await openPage();
    await page.goto(`${main.baseUrl}/?q=${encodeURIComponent(TWO_QUOTES)}`);
    await waitForAnswer(page);

    await page.locator("#citations .cite-link").first().click();
    await waitForMark(page);
    expect(await text(page, "mark.current")).toBe(first!.text);
    expect(await text(page, "mark.cite:not(.current)")).toBe(second!.text);
    const document = main.rag.getDocument(first!.docId);
    expect(await text(page, "#doc-title")).toBe(document.title);
    expect(await text(page, "#doc-text")).toBe(document.text);
    expect(Object.fromEntries(query(page))).toEqual({ doc: first!.docId, start: String(first!.start), end: String(first!.end), q: TWO_QUOTES });
    // Scrolled into view and focused, so keyboard and screen-reader users land on it.
    const box = await page.locator("mark.current").boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(DESKTOP.height);
    expect(await inPage(page, "document.activeElement?.id")).toBe("current-mark");
    await screenshot(page, "document");
    await expectReadable(page, ["mark.current", "mark.cite:not(.current)", "#doc-text", "#doc-meta", "#doc-cites a", "#doc-back"]);
    await page.emulateMedia({ colorScheme: "dark" });
    await expectReadable(page, ["mark.current", "mark.cite:not(.current)", "#doc-text", "#doc-meta", "#doc-cites a", "#doc-back"]);
    await page.emulateMedia({ colorScheme: "light" });

    // The marker [2] of the answer opens the second quote the same way.
    await page.getByRole("link", { name: "Back to the answer" }).click();
    await waitForAnswer(page);
    await page.locator("#answer a.marker").nth(1).click();
    await waitForMark(page);
    expect(await text(page, "mark.current")).toBe(second!.text);
    expect(await text(page, "mark.cite:not(.current)")).toBe(first!.text);
  });

  it('shows the "documents do not answer" state with the nearest passages', async () => {
    const expected = await askApi(main.baseUrl, UNANSWERABLE);
    expect(expected.answerable).toBe(false);
    expect(expected.citations.length).toBeGreaterThan(0);
    const page = await openPage();
    await page.goto(`${main.baseUrl}/?q=${encodeURIComponent(UNANSWERABLE)}`);
    await waitForAnswer(page);
    expect(await text(page, "#answer")).toContain("No answer in the documents.");
    expect(await text(page, "#answer")).toContain(expected.answer);
    expect(await page.locator("#answer a.marker").count()).toBe(0);
    expect(await text(page, "#citations-heading")).toBe("Nearest passages");
    expect(await page.locator("#citations-note").isVisible()).toBe(true);
    expect(await texts(page, "#citations .cite-quote")).toEqual(expected.citations.map((c) => c.text));
    await screenshot(page, "unanswerable");
  });

  it("lists the corpus on the documents page and opens any document", async () => {
    const listed = main.rag.listDocuments();
    const page = await openPage();
    await page.goto(`${main.baseUrl}/`);
    await page.getByRole("link", { name: "Documents", exact: true }).click();
    await page.locator("#documents-list li").first().waitFor();
    expect(query(page).get("view")).toBe("documents");
    expect(await texts(page, "#documents-list .doc-link")).toEqual(listed.map((d) => d.title));
    await screenshot(page, "documents");

    const last = listed.at(-1)!;
    await page.getByRole("link", { name: last.title }).click();
    await page.locator("#doc-title", { hasText: last.title }).waitFor();
    expect(await text(page, "#doc-text")).toBe(main.rag.getDocument(last.docId).text);
    expect(await page.locator("#doc-text mark").count()).toBe(0);
    await page.goBack();
    await page.locator("#documents-view:not([hidden]) #documents-list li").first().waitFor();
  });

  it("keeps the state in the URL: a shared /?q= link reloads the answer; back and forward work", async () => {
    const expected = await askApi(main.baseUrl, QUESTION);
    const page = await openPage();
    await page.goto(`${main.baseUrl}/?q=${encodeURIComponent(QUESTION)}`);
    await waitForAnswer(page);
    expect(await page.getByLabel("Your question").inputValue()).toBe(QUESTION);
    expect(await text(page, "#answer")).toBe(expected.answer);

    await page.locator("#citations .cite-link").first().click();
    await waitForMark(page);
    const documentUrl = page.url();
    await page.goBack();
    await waitForAnswer(page);
    expect(await page.locator("#document-view").isHidden()).toBe(true);
    expect(query(page).get("q")).toBe(QUESTION);
    expect(await text(page, "#answer")).toBe(expected.answer);
    await page.goForward();
    await waitForMark(page);
    expect(page.url()).toBe(documentUrl);

    // The document link itself is shareable: reloaded, it shows the same mark.
    await page.reload();
    await waitForMark(page);
    expect(await text(page, "mark.current")).toBe(expected.citations[0]!.text);
    await page.goto(`${main.baseUrl}/`);
    expect(await page.locator("#result").isHidden()).toBe(true);
    await page.goBack();
    await waitForMark(page);
  });

  it("works with the keyboard alone: Tab to the box, type, Enter, Tab to a source, Enter opens the mark", async () => {
    const expected = await askApi(main.baseUrl, QUESTION);
    const page = await openPage();
    await page.goto(`${main.baseUrl}/`);
    await tabTo(page, "#question");
    await page.keyboard.type(QUESTION);
    await page.keyboard.press("Shift+Enter"); // a new line, not a question
    expect(await page.getByLabel("Your question").inputValue()).toBe(`${QUESTION}\n`);
    expect(query(page).get("q")).toBeNull();
    await page.keyboard.press("Backspace");
    await page.keyboard.press("Enter");
    await waitForAnswer(page);
    expect(query(page).get("q")).toBe(QUESTION);

    await tabTo(page, "#citations .cite-link");
    // The focus is visible: a 3 px ring.
    expect(await inPage(page, "getComputedStyle(document.activeElement).outlineStyle")).toBe("solid");
    expect(await inPage(page, "getComputedStyle(document.activeElement).outlineWidth")).toBe("3px");
    await page.keyboard.press("Enter");
    await waitForMark(page);
    expect(await inPage(page, "document.activeElement?.id")).toBe("current-mark");
    expect(await text(page, "mark.current")).toBe(expected.citations[0]!.text);

    // An empty question is refused in words, without a request.
    await page.goto(`${main.baseUrl}/`);
    await tabTo(page, "#question");
    await page.keyboard.press("Enter");
    expect(await text(page, "#question-error")).toBe("Type a question first.");
    expect(await page.getByLabel("Your question").getAttribute("aria-invalid")).toBe("true");
  });

  it("shows a document's markup as text and never runs it (temporary corpus)", async () => {
    const page = await openPage();
    await page.goto(`${hostile.baseUrl}/?view=documents`);
    const title = 'Hostile <img src=x onerror="window.__xss=2"> title';
    await page.getByRole("link", { name: title }).click();
    await page.locator("#doc-title", { hasText: title }).waitFor();
    expect(await text(page, "#doc-text")).toBe(XSS_TEXT);
    expect(await text(page, "#doc-meta")).toContain("<script>window.__xss=3</script>");
    expect(await page.locator("#doc-text *").count()).toBe(0);

    await page.goto(`${hostile.baseUrl}/?q=${encodeURIComponent("What did the lighthouse keeper write in the log?")}`);
    await waitForAnswer(page);
    const answer = await askApi(hostile.baseUrl, "What did the lighthouse keeper write in the log?");
    expect(await texts(page, "#citations .cite-quote")).toEqual(answer.citations.map((c) => c.text));
    expect(answer.citations.some((c) => c.text.includes("<script>"))).toBe(true);
    await page.locator("#citations .cite-link").first().click();
    await waitForMark(page);
    expect(await text(page, "mark.current")).toBe(answer.citations[0]!.text);
    // Nothing of the documents became an element: no script, no image, no handler ran.
    expect(await page.locator("img, #main script").count()).toBe(0);
    expect(await inPage(page, "typeof window.__xss")).toBe("undefined");
    await screenshot(page, "markup-as-text");
  });

  it("explains errors in words: too long (400), no network, service not ready (503), and recovers", async () => {
    const page = await openPage();
    const tooLong = "why ".repeat(main.rag.config.maxQueryChars / 4 + 1);
    await page.goto(`${main.baseUrl}/?q=${encodeURIComponent(tooLong)}`);
    await page.locator("#error", { hasText: "The question is too long." }).waitFor();
    expect(await text(page, "#error")).toContain(`the limit is ${main.rag.config.maxQueryChars}`);

    await page.goto(`${main.baseUrl}/?doc=no-such-document`);
    await page.locator("#doc-status", { hasText: "Not found." }).waitFor();

    await page.route("**/v1/ask", (route) => route.abort("internetdisconnected"));
    await page.goto(`${main.baseUrl}/`);
    await page.getByLabel("Your question").fill(QUESTION);
    await page.getByRole("button", { name: "Ask" }).click();
    await page.locator("#error", { hasText: "Cannot reach the service." }).waitFor();
    expect(await page.getByRole("button", { name: "Try again" }).isVisible()).toBe(true);
    await screenshot(page, "error-network");
    await page.unroute("**/v1/ask");

    // Not ready: the readiness banner shows, and once /readyz says ready the question is asked again by itself.
    const loading = { status: 503, contentType: "application/json" };
    await page.route("**/readyz", (route) => route.fulfill({ ...loading, body: JSON.stringify({ status: "loading" }) }));
    await page.route("**/v1/ask", (route) =>
      route.fulfill({ ...loading, body: JSON.stringify({ error: { code: "not_ready", message: "The service is still loading its index and model; retry shortly." } }) }),
    );
    await page.goto(`${main.baseUrl}/?q=${encodeURIComponent(QUESTION)}`);
    await page.locator("#error", { hasText: "The service is not ready yet." }).waitFor();
    await page.locator("#readiness:not([hidden])", { hasText: "loading" }).waitFor();
    await screenshot(page, "not-ready");
    await expectReadable(page, ["#error p", "#readiness", "#error button"]);
    await page.unroute("**/readyz");
    await page.unroute("**/v1/ask");
    await waitForAnswer(page);
    expect(await page.locator("#readiness").isHidden()).toBe(true);
    expect(await text(page, "#error")).toBe("");
  });

  it("works without streaming: a JSON answer is shown the same way", async () => {
    const expected = await askApi(main.baseUrl, QUESTION);
    const page = await openPage();
    // A server without the streaming endpoint answers the same request with JSON.
    await page.route("**/v1/ask", async (route) => {
      const response = await route.fetch({ headers: { ...route.request().headers(), accept: "application/json" } });
      expect(response.headers()["content-type"]).toMatch(/^application\/json/);
      await route.fulfill({ response });
    });
    await page.goto(`${main.baseUrl}/?q=${encodeURIComponent(QUESTION)}`);
    await waitForAnswer(page);
    expect(await text(page, "#answer")).toBe(expected.answer);
    expect(await texts(page, "#citations .cite-quote")).toEqual(expected.citations.map((c) => c.text));
  });
});
