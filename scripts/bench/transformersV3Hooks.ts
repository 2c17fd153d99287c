// Module resolve hook for the LangChain peer's process only (registered by
// `useTransformersV3.ts`): `@huggingface/transformers` resolves to the
// `transformers-v3` alias, i.e. @huggingface/transformers 3.x, the runtime a
// user of @langchain/community 1.1 gets from its peer range `^3.8.1`. This
// project's own dependency on 4.x (and the npm override that makes LangChain
// resolve to it here) would otherwise stand in for it.
import type { ResolveHook } from "node:module";

export const ALIASED = "@huggingface/transformers";
export const TARGET = "transformers-v3";

export const resolve: ResolveHook = (specifier, context, nextResolve) =>
  specifier === ALIASED ? nextResolve(TARGET, context) : nextResolve(specifier, context);
