import { z } from "zod";

/** What `GET /v1/tools` returns: function definitions as LLM tool-calling APIs take them. */
export const ToolListSchema = z.object({
  tools: z.array(
    z.object({
      name: z.string(),
      description: z.string().describe("For the model: what the tool does and when to call it."),
      parameters: z.record(z.string(), z.unknown()).describe("JSON Schema of the arguments."),
    }),
  ),
});
