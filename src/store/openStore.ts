import type { RagConfig } from "../config.js";
import { hnswFileStore } from "./hnswFileStore.js";
import type { IndexStore } from "./indexStore.js";
import { pgvectorStore } from "./pgvector/pgvectorStore.js";

/** The store the settings name: files under `indexDir` (`hnsw`), or Postgres at `databaseUrl` (`pgvector`). */
export function openStore(config: Pick<RagConfig, "store" | "indexDir" | "databaseUrl" | "databasePoolSize">): IndexStore {
  return config.store === "pgvector" ? pgvectorStore({ url: config.databaseUrl, poolSize: config.databasePoolSize }) : hnswFileStore(config.indexDir);
}
