import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireBuildLock } from "../../src/store/buildLock.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cited-rag-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("acquireBuildLock", () => {
  it("refuses a second build while the first holds the lock, naming the holder, and frees it on release", async () => {
    const release = await acquireBuildLock(dir);
    await expect(acquireBuildLock(dir)).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(new RegExp(`process ${process.pid}`)) });
    await release();
    const again = await acquireBuildLock(dir);
    await again();
  });

  it("takes over a lock left by a process that died", async () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    await writeFile(path.join(dir, ".build-lock"), `${dead}\n`);
    const release = await acquireBuildLock(dir);
    expect((await readFile(path.join(dir, ".build-lock"), "utf8")).trim()).toBe(String(process.pid));
    await release();
  });

  it("removes the temp dirs of builds whose process died", async () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    await writeFile(path.join(dir, `.tmp-${dead}-1`), "partial");
    const release = await acquireBuildLock(dir);
    await expect(readFile(path.join(dir, `.tmp-${dead}-1`))).rejects.toThrow();
    await release();
  });
});
