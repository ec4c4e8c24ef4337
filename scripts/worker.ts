// `npm run worker`: one more worker process sharing the queue with the others.
import { startWorker } from "@/lib/jobs/worker";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. `npm start` starts a worker with the right database; to add one by hand, set DATABASE_URL.");
  process.exit(1);
}
process.env.SMARTAPP_PROCESS ??= "worker";
const worker = await startWorker(url);
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await worker.stop();
    process.exit(0);
  });
}
