import { startIndex } from "/work/main/devtools/pypi/index-server.ts";
const i = await startIndex(process.argv[2]!);
console.log(i.url);
setInterval(() => {}, 1e9);
