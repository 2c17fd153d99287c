import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { createRag } from "../rag.js";
import { createApp } from "../server/app.js";
import { describeIndex, describeSkipped, progressReporter } from "./progress.js";
import { fail } from "./fail.js";

// npm start: listens at once (so /healthz answers), then loads or builds the index; /readyz turns 200 when done.
// Logs are JSON lines on stdout (one per request); build progress goes to stderr.
try {
  const rag = createRag();
  const { port, host, shutdownTimeoutMs } = rag.config;
  // Written asynchronously: a synchronous write to stdout per request cost 0.3 ms of the event loop on a slow day.
  const logs = pino.destination({ dest: 1, sync: false });
  const logger = pino({ base: undefined }, logs);
  const server = createApp(rag, (message) => logger.error(message), logger).listen(port, host, () => {
    const bound = (server.address() as AddressInfo).port;
    logger.info(`Listening on http://${host}:${bound} (loading index and model; /readyz reports when ready)`);
  });
  server.on("error", (error) => fail(error));
  // SIGTERM: stop accepting, let requests in flight (streams, MCP calls) finish, exit 0. Past the
  // bound their connections are closed; idle keep-alive connections are closed at once.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `Stopping: finishing requests in flight (at most ${shutdownTimeoutMs} ms).`);
    server.close(() => void rag.close().finally(() => exitAfterLogs(0)));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), shutdownTimeoutMs).unref();
    setTimeout(() => exitAfterLogs(0), shutdownTimeoutMs + 2000).unref();
  };
  const exitAfterLogs = (code: number) => {
    try {
      logs.flushSync();
    } catch {
      // Not open yet, or stdout is gone: nothing more can be written anyway.
    }
    process.exit(code);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  const started = Date.now();
  await rag.load({
    onProgress: progressReporter(),
    onSkipped: (skipped) => logger.warn(describeSkipped(skipped)),
    onIndex: (r) => logger.info(describeIndex(r)),
  });
  logger.info(`Ready in ${Date.now() - started} ms.`);
} catch (error) {
  fail(error);
}
