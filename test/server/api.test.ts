import { describeApi } from "../helpers/apiSuite.js";
import { startService } from "../helpers/server.js";

describeApi("hnsw (files, the default)", () => startService());
