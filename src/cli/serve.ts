import { createRag } from "../rag.js";
import { createApp } from "../server/app.js";
import { describeIndex, describeSkipped, progressReporter } from "./progress.js";
import { fail } from "./fail.js";

// npm start: listens at once (so /healthz answers), then loads or builds the index; /readyz turns 200 when done.
try {
  const rag = createRag();
  const { port, host } = rag.config;
  const server = createApp(rag).listen(port, host, () => {
    console.log(`Listening on http://${host}:${port} (loading index and model; /readyz reports when ready)`);
  });
  server.on("error", (error) => fail(error));
  const stop = () => server.close(() => void rag.close().finally(() => process.exit(0)));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  const started = Date.now();
  await rag.load({
    onProgress: progressReporter(),
    onSkipped: (skipped) => console.error(describeSkipped(skipped)),
    onIndex: (r) => console.log(describeIndex(r)),
  });
  console.log(`Ready in ${Date.now() - started} ms.`);
} catch (error) {
  fail(error);
}
