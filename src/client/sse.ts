// Server-sent events as the WHATWG HTML standard defines the stream format
// (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
// Written here rather than taken from a package: it is short, and the
// service's runtime dependencies stay the ones it already has.

export interface ServerSentEvent {
  /** The `event:` field, or "message" when the event named none. */
  event: string;
  /** The `data:` lines joined with "\n". */
  data: string;
  /** The last `id:` seen on the stream so far (the standard carries it over to later events). */
  id: string;
}

/**
 * Turns decoded text, fed in arbitrary pieces, into events. Pieces may split a
 * line anywhere, including between the CR and LF of a CRLF.
 */
export class ServerSentEventParser {
  private buffer = "";
  /** The previous piece ended in CR: an LF that opens the next one belongs to that line ending. */
  private skipLineFeed = false;
  private eventType = "";
  private data = "";
  private hasData = false;
  private lastEventId = "";

  /** Events completed by this piece of text, in stream order. */
  push(text: string): ServerSentEvent[] {
    // An empty piece (a chunk holding only part of a character) says nothing about that LF yet.
    if (text === "") return [];
    if (this.skipLineFeed && text.startsWith("\n")) text = text.slice(1);
    this.skipLineFeed = false;
    this.buffer += text;
    const events: ServerSentEvent[] = [];
    const lineEnd = /\r\n|\r|\n/g;
    let consumed = 0;
    for (let match = lineEnd.exec(this.buffer); match; match = lineEnd.exec(this.buffer)) {
      const line = this.buffer.slice(consumed, match.index);
      consumed = match.index + match[0].length;
      // A lone CR at the end may be the first half of a CRLF whose LF is still in flight.
      if (match[0] === "\r" && consumed === this.buffer.length) this.skipLineFeed = true;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(consumed);
    return events;
  }

  private line(line: string): ServerSentEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        this.eventType = value;
        break;
      case "data":
        this.data += this.hasData ? `\n${value}` : value;
        this.hasData = true;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        break;
      // `retry` only tunes reconnection, which this client never does; other fields are ignored by the standard.
    }
    return undefined;
  }

  private dispatch(): ServerSentEvent | undefined {
    const event = this.hasData ? { event: this.eventType || "message", data: this.data, id: this.lastEventId } : undefined;
    this.eventType = "";
    this.data = "";
    this.hasData = false;
    return event;
  }
}

/**
 * The events of a byte stream (a fetch response body). An event the stream
 * ends in the middle of, before its blank line, is dropped, as the standard
 * says. Leaving the loop early cancels the stream, which closes the connection.
 */
export async function* readServerSentEvents(stream: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = stream.getReader();
  // Streaming decode keeps a multi-byte character split across chunks whole; the decoder also drops a leading BOM.
  const decoder = new TextDecoder("utf-8");
  const parser = new ServerSentEventParser();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    finished = true;
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
