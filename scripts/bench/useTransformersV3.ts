// Preloaded with `--import` (before the entry point is even resolved) in the
// LangChain peer's process: registers the resolve hook that maps
// `@huggingface/transformers` to transformers.js 3 (`transformersV3Hooks.ts`).
import { register } from "node:module";

register("./transformersV3Hooks.ts", import.meta.url);
