import { prepareDataset } from "./dataset.ts";
const t = performance.now();
const d = await prepareDataset("/dev/shm/lpp-bench", (process.argv[2] ?? "smoke") as "smoke", console.log);
console.log({ ...d, requirements: d.requirements.length }, Math.round(performance.now() - t));
