import { describe, expect, it } from "vitest";
import { readServerSentEvents, ServerSentEventParser, type ServerSentEvent } from "../../src/client/sse.js";

const encoder = new TextEncoder();

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of readServerSentEvents(stream)) events.push(event);
  return events;
}

const parse = (...chunks: (string | Uint8Array)[]) => collect(streamOf(chunks));

/** Every way of cutting the bytes in two, and into single bytes, must give the events of the whole. */
async function expectSplitInvariant(text: string, expected: ServerSentEvent[]) {
  const bytes = encoder.encode(text);
  expect(await parse(bytes)).toEqual(expected);
  for (let cut = 1; cut < bytes.length; cut++) {
    expect(await parse(bytes.slice(0, cut), bytes.slice(cut)), `cut at byte ${cut}`).toEqual(expected);
  }
  expect(await parse(...[...bytes].map((b) => Uint8Array.of(b)))).toEqual(expected);
}

const event = (type: string, data: string, id = ""): ServerSentEvent => ({ event: type, data, id });

describe("server-sent event parsing", () => {
  it("reads named events in order, as the service sends them", async () => {
    const stream = 'event: passages\ndata: {"query":"q","results":[]}\n\nevent: answer\ndata: {"a":1}\n\nevent: done\ndata: {}\n\n';
    expect(await parse(stream)).toEqual([event("passages", '{"query":"q","results":[]}'), event("answer", '{"a":1}'), event("done", "{}")]);
  });

  it("joins multi-line data with newlines and defaults the type to message", async () => {
    expect(await parse("data: first\ndata: second\ndata:\ndata:  indented\n\n")).toEqual([event("message", "first\nsecond\n\n indented")]);
  });

  it("strips one space after the colon, no more, and reads a field without a colon as empty", async () => {
    expect(await parse("data:no-space\n\ndata:  two\n\ndata\n\n")).toEqual([event("message", "no-space"), event("message", " two"), event("message", "")]);
  });

  it("ignores comments, unknown fields and retry, and dispatches nothing for an event without data", async () => {
    const stream = ": keep-alive\n\nevent: ping\n\nretry: 1000\nfoo: bar\n: comment inside\ndata: x\n\n";
    expect(await parse(stream)).toEqual([event("message", "x")]);
  });

  it("resets the event type after each event", async () => {
    expect(await parse("event: a\ndata: 1\n\ndata: 2\n\n")).toEqual([event("a", "1"), event("message", "2")]);
  });

  it("carries the last id over to later events and ignores ids containing NUL", async () => {
    expect(await parse("id: 7\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\n")).toEqual([event("message", "a", "7"), event("message", "b", "7"), event("message", "c", "7")]);
  });

  it("accepts CRLF, CR and LF line endings, mixed", async () => {
    expect(await parse("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\rdata: 3\n\n")).toEqual([event("a", "1"), event("b", "2"), event("message", "3")]);
  });

  it("gives the same events however the bytes are split, including inside CRLF and multi-byte characters", async () => {
    const text = 'event: answer\r\ndata: {"answer":"日本 € — ok"}\r\ndata: second line\r\n\r\n: comment\rdata: x\r\r';
    await expectSplitInvariant(text, [event("answer", '{"answer":"日本 € — ok"}\nsecond line'), event("message", "x")]);
  });

  it("treats a CR at the end of a chunk and an LF at the start of the next as one line ending", async () => {
    // Were the LF read as a line of its own, it would end the event after "a".
    expect(await parse("data: a\r", "\ndata: b\r\n\r\n")).toEqual([event("message", "a\nb")]);
    expect(await parse("data: a\r", new Uint8Array(0), "\ndata: b\r\n\r\n")).toEqual([event("message", "a\nb")]);
  });

  it("drops an event the stream ends in the middle of", async () => {
    expect(await parse("data: complete\n\ndata: incomplete\n")).toEqual([event("message", "complete")]);
    expect(await parse("data: no line end")).toEqual([]);
  });

  it("drops a byte order mark at the start of the stream", async () => {
    expect(await parse(Uint8Array.of(0xef, 0xbb, 0xbf), "data: x\n\n")).toEqual([event("message", "x")]);
  });

  it("cancels the stream when the reader stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode("data: tick\n\n"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const received of readServerSentEvents(stream)) {
      expect(received.data).toBe("tick");
      break;
    }
    expect(cancelled).toBe(true);
  });

  it("parses text pushed in pieces without a stream", () => {
    const parser = new ServerSentEventParser();
    expect(parser.push("event: done\nda")).toEqual([]);
    expect(parser.push("ta: {}\n")).toEqual([]);
    expect(parser.push("\n")).toEqual([event("done", "{}")]);
  });
});
