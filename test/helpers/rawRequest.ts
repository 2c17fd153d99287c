import http, { type IncomingHttpHeaders } from "node:http";

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: any;
}

export interface RawRequest {
  method?: string;
  /** Sent as given: no encoding or normalisation added (fetch would normalise `../`). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One HTTP request exactly as given, for the hostile-input and traversal tests. */
export function sendRaw(baseUrl: string, request: RawRequest): Promise<RawReply> {
  const url = new URL(baseUrl);
  const method = request.method ?? "POST";
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: request.path, headers: request.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, body });
      });
      res.on("error", reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${request.path.slice(0, 80)} did not answer within 15 s`)));
    req.on("error", reject);
    req.end(request.body);
  });
}
