// Scheduled jobs of the node process (node-cron). Each job also runs once at start so a node that was
// down catches up at once; the jobs themselves are idempotent.
import cron from "node-cron";
import { getLogger } from "@logtape/logtape";

const log = getLogger(["ipn", "jobs"]);

export interface Job { name: string; cron: string; run(): Promise<unknown> }

export interface Scheduler { stop(): Promise<void>; runNow(name: string): Promise<void> }

export function startScheduler(jobs: Job[]): Scheduler {
  const running = new Map<string, Promise<void>>();
  const exec = (job: Job): Promise<void> => {
    const inFlight = running.get(job.name);
    if (inFlight) return inFlight; // never two runs of one job at once in this process
    const p = (async () => {
      try {
        const result = await job.run();
        log.debug("job {job} finished: {result}", { job: job.name, result });
      } catch (error) {
        log.error("job {job} failed: {error}", { job: job.name, error });
      } finally {
        running.delete(job.name);
      }
    })();
    running.set(job.name, p);
    return p;
  };
  const tasks = jobs.map((job) => cron.schedule(job.cron, () => exec(job), { name: job.name, noOverlap: true }));
  for (const job of jobs) void exec(job);
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.destroy()));
      await Promise.all([...running.values()]);
    },
    async runNow(name) {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`no job ${name}`);
      await exec(job);
    },
  };
}
