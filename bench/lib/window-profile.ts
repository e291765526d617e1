// A CPU profile of a benchmark's measured window only (not its set-up, seeding or reference runs),
// written when IPN_BENCH_PROFILE_DIR is set: `--cpu-prof` covers the whole process, whose set-up
// often outweighs the window. The file is <dir>/<id>-<time>.cpuprofile, for Chrome's DevTools.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

export interface WindowProfile {
  /** Stops the profiler and writes the file (no-op when profiling is off). Returns its path. */
  stop(): Promise<string | null>;
}

const post = <T>(session: Session, method: string, params?: object) =>
  new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));

export async function profileWindow(id: string): Promise<WindowProfile> {
  const dir = process.env.IPN_BENCH_PROFILE_DIR;
  if (!dir) return { stop: async () => null };
  const session = new Session();
  session.connect();
  await post(session, "Profiler.enable");
  await post(session, "Profiler.setSamplingInterval", { interval: 200 });
  await post(session, "Profiler.start");
  return {
    async stop() {
      const { profile } = await post<{ profile: unknown }>(session, "Profiler.stop");
      session.disconnect();
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${id}-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}
